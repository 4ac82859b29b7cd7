//! The Oudersteunpunt's contact form and its confirmation mail, in Dutch (B1, formal "u") and
//! English, and the messages of the advisers' own intake form (about the parent, not to them).
//! Placeholders in braces (`{reference}`, `{days}`, …) are filled by the page.

use passend_domain::Lang;

/// Every text of the contact form and its mail, per language.
#[allow(missing_docs)]
pub struct Texts {
    pub title: &'static str,
    pub intro: &'static str,
    pub required: &'static str,
    pub category: &'static str,
    pub theme: &'static str,
    pub theme_hint: &'static str,
    pub choose: &'static str,
    pub name: &'static str,
    pub name_hint: &'static str,
    pub email: &'static str,
    pub phone: &'static str,
    pub reach_hint: &'static str,
    pub callback: &'static str,
    pub callback_when: &'static str,
    pub callback_when_hint: &'static str,
    pub school: &'static str,
    pub school_hint: &'static str,
    pub message: &'static str,
    pub message_hint: &'static str,
    pub privacy_title: &'static str,
    pub privacy: [&'static str; 4],
    pub honeypot: &'static str,
    pub send: &'static str,
    pub summary: &'static str,
    pub e_category: &'static str,
    pub e_theme: &'static str,
    pub e_name: &'static str,
    pub e_reach: &'static str,
    pub e_callback_phone: &'static str,
    pub e_email: &'static str,
    pub e_phone: &'static str,
    pub e_message: &'static str,
    pub e_message_long: &'static str,
    pub e_fast: &'static str,
    pub e_expired: &'static str,
    pub e_honeypot: &'static str,
    pub e_throttled: &'static str,
    pub done_title: &'static str,
    pub done_reference: &'static str,
    pub done_next: &'static str,
    pub done_mail: &'static str,
    pub done_no_mail: &'static str,
    pub done_urgent: &'static str,
    pub done_who: &'static str,
    pub reach_us: &'static str,
    pub back: &'static str,
    pub mail_subject: &'static str,
    pub mail_lines: [&'static str; 5],
    pub mail_greeting: &'static str,
    pub mail_closing: &'static str,
}

pub const NL: Texts = Texts {
    title: "Contact met het Oudersteunpunt",
    intro: "Stel hier uw vraag aan de onafhankelijke ouderadviseurs. U heeft geen account nodig. Een ouderadviseur neemt contact met u op.",
    required: "Velden met (verplicht) moet u invullen.",
    category: "Waarvoor neemt u contact op? (verplicht)",
    theme: "Waar gaat het over? (verplicht)",
    theme_hint: "Kies wat het beste past.",
    choose: "Kies een onderwerp",
    name: "Uw naam (verplicht)",
    name_hint: "Uw voornaam is genoeg.",
    email: "E-mailadres",
    phone: "Telefoonnummer",
    reach_hint: "Vul uw e-mailadres of uw telefoonnummer in, of allebei. Zo kunnen wij u bereiken.",
    callback: "Ja, bel mij terug",
    callback_when: "Wanneer kunnen wij u het beste bellen?",
    callback_when_hint: "Bijvoorbeeld: dinsdag na 15.00 uur.",
    school: "School van uw kind",
    school_hint: "Mag leeg. U hoeft de naam van uw kind niet te noemen.",
    message: "Uw vraag of bericht (verplicht)",
    message_hint: "Schrijf in uw eigen woorden wat er speelt, in hooguit 5000 tekens. U kunt later in het gesprek meer vertellen.",
    privacy_title: "Wat gebeurt er met uw gegevens?",
    privacy: [
        "Alleen de ouderadviseurs van het Oudersteunpunt lezen uw bericht. De school van uw kind en de medewerkers van het samenwerkingsverband zien het niet.",
        "Wij gebruiken uw gegevens alleen om u te helpen. Zonder uw toestemming vertellen wij niets aan de school of aan anderen.",
        "Aan het bestuur van het samenwerkingsverband geven wij alleen aantallen per onderwerp door, zonder namen. Kleine aantallen laten wij weg.",
        "Wij bewaren uw gegevens tot {months} maanden nadat uw vraag is afgerond. Daarna verwijderen wij ze. U mag altijd vragen welke gegevens wij hebben, en vragen om ze te verbeteren of te verwijderen.",
    ],
    honeypot: "Laat dit veld leeg",
    send: "Verstuur",
    summary: "Controleer het formulier",
    e_category: "Kies waarvoor u contact opneemt.",
    e_theme: "Kies waar uw vraag over gaat.",
    e_name: "Vul uw naam in. Uw voornaam is genoeg.",
    e_reach: "Vul uw e-mailadres of uw telefoonnummer in, zodat wij u kunnen bereiken.",
    e_callback_phone: "U wilt teruggebeld worden. Vul uw telefoonnummer in.",
    e_email: "Vul een e-mailadres in zoals naam@voorbeeld.nl.",
    e_phone: "Vul een telefoonnummer in met 10 cijfers, zoals 036 123 4567, of met +.",
    e_message: "Schrijf uw vraag of bericht.",
    e_message_long: "Uw bericht is te lang. Schrijf het in maximaal 5000 tekens.",
    e_fast: "Het formulier is erg snel verstuurd. Controleer uw bericht en klik nog een keer op Verstuur.",
    e_expired: "Het formulier was verlopen. Uw tekst staat er nog. Klik nog een keer op Verstuur.",
    e_honeypot: "Het formulier is niet verstuurd. Controleer uw bericht en klik nog een keer op Verstuur.",
    e_throttled: "Er zijn vanaf uw internetaansluiting veel berichten verstuurd. Probeer het over een uur opnieuw, of bel ons.",
    done_title: "Uw bericht is verstuurd",
    done_reference: "Uw referentienummer",
    done_next: "Een ouderadviseur neemt binnen {days} werkdagen contact met u op.",
    done_mail: "U krijgt ook een e-mail met dit nummer.",
    done_no_mail: "Schrijf dit nummer op. Noem het als u contact met ons opneemt.",
    done_urgent: "Is het dringend, of gaat het om de veiligheid van uw kind? Wacht dan niet. Bel de school of Veilig Thuis: 0800 2000 (gratis, dag en nacht).",
    done_who: "Alleen de ouderadviseurs van het Oudersteunpunt lezen uw bericht. De school en de medewerkers van het samenwerkingsverband zien het niet.",
    reach_us: "U kunt het Oudersteunpunt ook zelf bereiken: {contact}.",
    back: "Terug naar de informatie over het Oudersteunpunt",
    mail_subject: "Uw bericht aan het Oudersteunpunt",
    mail_lines: [
        "Wij hebben uw bericht aan het Oudersteunpunt goed ontvangen.",
        "Uw referentienummer is {reference}. Noem dit nummer als u contact met ons opneemt.",
        "Een ouderadviseur neemt binnen {days} werkdagen contact met u op.",
        "Alleen de ouderadviseurs lezen uw bericht. Daarom staat het niet in deze e-mail.",
        "Is het dringend, of gaat het om de veiligheid van uw kind? Wacht dan niet. Bel de school of Veilig Thuis: 0800 2000 (gratis, dag en nacht).",
    ],
    mail_greeting: "Goedendag,",
    mail_closing: "Met vriendelijke groet,\nHet Oudersteunpunt van",
};

pub const EN: Texts = Texts {
    title: "Contact the Oudersteunpunt (parent support)",
    intro: "Ask the independent parent advisers your question here. You do not need an account. A parent adviser will contact you.",
    required: "Fields marked (required) must be filled in.",
    category: "Why are you contacting us? (required)",
    theme: "What is it about? (required)",
    theme_hint: "Choose what fits best.",
    choose: "Choose a subject",
    name: "Your name (required)",
    name_hint: "Your first name is enough.",
    email: "E-mail address",
    phone: "Phone number",
    reach_hint: "Fill in your e-mail address or your phone number, or both, so we can reach you.",
    callback: "Yes, please call me back",
    callback_when: "When is the best time to call you?",
    callback_when_hint: "For example: Tuesday after 3 pm.",
    school: "Your child's school",
    school_hint: "May be left empty. You do not have to give your child's name.",
    message: "Your question or message (required)",
    message_hint: "Tell us in your own words what is going on, in at most 5000 characters. You can tell us more later in a conversation.",
    privacy_title: "What happens to your data?",
    privacy: [
        "Only the parent advisers of the Oudersteunpunt read your message. Your child's school and the staff of the samenwerkingsverband do not see it.",
        "We only use your data to help you. We tell nothing to the school or to others without your permission.",
        "We only tell the board of the samenwerkingsverband how many questions there were per subject, without names. Small numbers are left out.",
        "We keep your data until {months} months after your question was closed. Then we delete it. You may always ask which data we hold, and ask us to correct or delete it.",
    ],
    honeypot: "Leave this field empty",
    send: "Send",
    summary: "Please check the form",
    e_category: "Choose why you are contacting us.",
    e_theme: "Choose what your question is about.",
    e_name: "Fill in your name. Your first name is enough.",
    e_reach: "Fill in your e-mail address or your phone number, so we can reach you.",
    e_callback_phone: "You would like us to call you back. Please fill in your phone number.",
    e_email: "Fill in an e-mail address like name@example.com.",
    e_phone: "Fill in a phone number of 10 digits, like 036 123 4567, or one with +.",
    e_message: "Write your question or message.",
    e_message_long: "Your message is too long. Please use at most 5000 characters.",
    e_fast: "The form was sent very quickly. Please check your message and click Send once more.",
    e_expired: "The form had expired. Your text is still here. Please click Send once more.",
    e_honeypot: "The form was not sent. Please check your message and click Send once more.",
    e_throttled: "Many messages were sent from your internet connection. Please try again in an hour, or call us.",
    done_title: "Your message has been sent",
    done_reference: "Your reference number",
    done_next: "A parent adviser will contact you within {days} working days.",
    done_mail: "You will also get an e-mail with this number.",
    done_no_mail: "Please write this number down, and mention it when you contact us.",
    done_urgent: "Is it urgent, or about your child's safety? Do not wait. Call the school or Veilig Thuis: 0800 2000 (free, day and night).",
    done_who: "Only the parent advisers of the Oudersteunpunt read your message. The school and the staff of the samenwerkingsverband do not see it.",
    reach_us: "You can also reach the Oudersteunpunt yourself: {contact}.",
    back: "Back to the information about the Oudersteunpunt",
    mail_subject: "Your message to the Oudersteunpunt",
    mail_lines: [
        "We have received your message to the Oudersteunpunt.",
        "Your reference number is {reference}. Please mention it when you contact us.",
        "A parent adviser will contact you within {days} working days.",
        "Only the parent advisers read your message. That is why it is not in this e-mail.",
        "Is it urgent, or about your child's safety? Do not wait. Call the school or Veilig Thuis: 0800 2000 (free, day and night).",
    ],
    mail_greeting: "Hello,",
    mail_closing: "Kind regards,\nThe Oudersteunpunt of",
};

/// The messages of the advisers' own intake form: about the parent, not to them.
pub const STAFF: Texts = Texts {
    e_category: "Kies de soort vraag.",
    e_theme: "Kies het onderwerp.",
    e_name: "Vul de naam van de ouder in. Een voornaam is genoeg.",
    e_reach: "Vul een e-mailadres of een telefoonnummer van de ouder in.",
    e_callback_phone: "De ouder wil teruggebeld worden. Vul het telefoonnummer in.",
    e_email: "Vul een e-mailadres in zoals naam@voorbeeld.nl.",
    e_message: "Schrijf de vraag van de ouder op.",
    e_message_long: "De vraag is te lang: hooguit 5000 tekens. Zet de rest in een notitie.",
    ..NL
};

pub fn texts(lang: Lang) -> &'static Texts {
    match lang {
        Lang::Nl => &NL,
        Lang::En => &EN,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_languages_name_the_same_placeholders() {
        for (a, b) in NL.mail_lines.iter().zip(EN.mail_lines.iter()) {
            for ph in ["{reference}", "{days}"] {
                assert_eq!(a.contains(ph), b.contains(ph), "{a} / {b}");
            }
        }
        for (a, b) in NL.privacy.iter().zip(EN.privacy.iter()) {
            assert_eq!(a.contains("{months}"), b.contains("{months}"));
        }
        assert_eq!(
            NL.done_next.contains("{days}"),
            EN.done_next.contains("{days}")
        );
        assert!(NL.reach_us.contains("{contact}") && EN.reach_us.contains("{contact}"));
    }
}
