//! The texts of the parents' portal and its mails, in Dutch (B1, formal "u") and English. One
//! table with both languages side by side; a missing translation does not compile. Placeholders
//! in braces (`{date}`, `{name}`, …) are filled by the portal.

use chrono::NaiveDate;
use passend_domain::Lang;
use passend_domain::accounts::Role;

macro_rules! portal_texts {
    ($($name:ident: $nl:expr, $en:expr;)*) => {
        /// The portal's texts in one language.
        #[derive(Debug)]
        #[allow(missing_docs)]
        pub struct PortalTexts {
            $(pub $name: &'static str,)*
        }

        /// Dutch.
        pub static NL: PortalTexts = PortalTexts { $($name: $nl,)* };
        /// English.
        pub static EN: PortalTexts = PortalTexts { $($name: $en,)* };
    };
}

impl PortalTexts {
    /// The language of these texts.
    pub fn language(&self) -> Lang {
        if self.lang == "en" {
            Lang::En
        } else {
            Lang::Nl
        }
    }

    /// The name of a role in a child's log.
    pub fn role(&self, code: &str) -> &'static str {
        let t = self;
        match Role::from_code(code) {
            Some(Role::Ouder) => t.role_parent,
            Some(Role::Schoolmedewerker) => t.role_school,
            Some(Role::Toeleider) => t.role_toeleider,
            Some(Role::Deskundige) => t.role_expert,
            Some(Role::Beheerder) => t.role_admin,
            Some(Role::Ouderadviseur) => t.role_adviser,
            None => t.role_system,
        }
    }

    /// What someone did with a child's data, in a child's log.
    pub fn action(&self, action: &str, object_type: &str, role: &str) -> String {
        let t = self;
        match (action, object_type, role) {
            ("create", "ouderportaal", _) => return t.act_portal_given.to_owned(),
            ("delete", "ouderportaal", _) => return t.act_portal_ended.to_owned(),
            ("create", "aanvraag" | "ouderreactie", "ouder") => {
                return t.act_parent_response.to_owned();
            }
            _ => {}
        }
        let what = match object_type {
            "leerling" => t.obj_pupil,
            "aanvraag" => t.obj_request,
            "document" => t.obj_document,
            "besluit" => t.obj_decision,
            "advies" => t.obj_advice,
            "ouderportaal" => t.obj_portal,
            "ouderreactie" => t.obj_response,
            _ => t.obj_other,
        };
        let verb = match action {
            "read" | "search" => t.act_read,
            "download" | "export" => t.act_download,
            "create" => t.act_create,
            "update" => t.act_update,
            "delete" => t.act_delete,
            _ => t.act_other,
        };
        format!("{verb}: {what}")
    }
}

/// The texts of a language.
pub fn texts(lang: Lang) -> &'static PortalTexts {
    match lang {
        Lang::Nl => &NL,
        Lang::En => &EN,
    }
}

portal_texts! {
    lang: "nl", "en";
    other_code: "en", "nl";
    other_language: "English", "Nederlands";
    skip_link: "Naar de inhoud", "Skip to content";
    tagline: "Voor ouders", "For parents";
    menu: "Menu ouderportaal", "Parents' portal menu";
    nav_children: "Mijn kinderen", "My children";
    nav_account: "Mijn account", "My account (in Dutch)";
    sign_out: "Uitloggen", "Sign out";
    demo_title: "Demo-omgeving.", "Demo environment.";
    demo_text: "Alle namen en gegevens zijn verzonnen. Vul hier geen echte gegevens in.", "All names and data are made up. Do not enter real data here.";
    help_title: "Hulp nodig?", "Need help?";
    help_text: "Heeft u een vraag, bent u het ergens niet mee eens, of wilt u gewoon even praten? Het Oudersteunpunt helpt u gratis. De adviseurs zijn onafhankelijk: zij werken niet voor de school.", "Do you have a question, do you disagree with something, or would you just like to talk? The Oudersteunpunt (parent support service) helps you free of charge. Its advisers are independent: they do not work for the school.";
    help_link: "Neem contact op met het Oudersteunpunt", "Contact the Oudersteunpunt";
    help_href: "/oudersteunpunt", "/en/oudersteunpunt";
    footer_help: "Hulp", "Help";
    privacy: "Privacy", "Privacy";
    privacy_href: "/privacy", "/en/privacy";
    check_form: "Controleer het formulier", "Please check the form";
    version: "versie", "version";
    you: "U", "You";
    nobody: "niemand", "nobody";
    now: "Nu", "Now";

    home_title: "Mijn kinderen", "My children";
    home_intro: "Hier volgt u de aanvragen voor extra ondersteuning voor uw kind. U ziet wat de stand is, wat er hierna gebeurt en wie uw contactpersoon is.", "Here you can follow the requests for extra support for your child. You see where things stand, what happens next and who your contact person is.";
    home_no_children: "Er is nog geen kind aan uw account gekoppeld. De school of het samenwerkingsverband nodigt u uit als er iets met u te delen is.", "No child is linked to your account yet. The school or the samenwerkingsverband will invite you when there is something to share with you.";
    home_no_requests: "Er is nog geen aanvraag met u gedeeld.", "No request has been shared with you yet.";
    child_link: "Documenten, toegang en meer", "Documents, access and more";
    requests_title: "Aanvragen", "Requests";

    kind_advice: "Advies van het samenwerkingsverband", "Advice from the samenwerkingsverband";
    kind_arrangement: "Extra ondersteuning op de eigen school (arrangement)", "Extra support at the current school (arrangement)";
    kind_tlv_sbo: "Toelaatbaarheidsverklaring (TLV) voor het speciaal basisonderwijs", "Admission statement (TLV) for special primary education (SBO)";
    kind_tlv_so: "Toelaatbaarheidsverklaring (TLV) voor het speciaal onderwijs", "Admission statement (TLV) for special education (SO)";
    kind_ext_sbo: "Verlenging van de TLV voor het speciaal basisonderwijs", "Extension of the TLV for special primary education";
    kind_ext_so: "Verlenging van de TLV voor het speciaal onderwijs", "Extension of the TLV for special education";
    cat_low: "categorie laag", "category low";
    cat_mid: "categorie midden", "category medium";
    cat_high: "categorie hoog", "category high";

    steps_title: "De stappen", "The steps";
    step_preparation: "School en ouders maken de aanvraag klaar", "School and parents prepare the request";
    step_submitted: "De school heeft de aanvraag ingediend", "The school has submitted the request";
    step_treatment: "Het samenwerkingsverband behandelt de aanvraag", "The samenwerkingsverband handles the request";
    step_advice: "Twee deskundigen geven advies", "Two experts give their advice";
    step_decision: "Het samenwerkingsverband besluit", "The samenwerkingsverband decides";
    state_done: "klaar", "done";
    state_current: "nu", "now";
    state_upcoming: "nog niet", "not yet";
    status_granted: "Toegekend", "Granted";
    status_refused: "Afgewezen", "Refused";
    status_withdrawn: "Ingetrokken", "Withdrawn";

    now_title: "Waar staat de aanvraag nu?", "Where does the request stand?";
    next_title: "Wat gebeurt er hierna?", "What happens next?";
    now_concept: "De school maakt de aanvraag klaar.", "The school is preparing the request.";
    now_concept_view: "De school maakt de aanvraag klaar en vraagt uw mening.", "The school is preparing the request and asks for your view.";
    next_concept: "Lees de aanvraag hieronder en geef uw mening. De school stuurt uw mening mee met de aanvraag. Daarna dient de school de aanvraag in bij het samenwerkingsverband.", "Read the request below and give your view. The school sends your view along with the request. Then the school submits the request to the samenwerkingsverband.";
    now_submitted: "De school heeft de aanvraag ingediend bij het samenwerkingsverband.", "The school has submitted the request to the samenwerkingsverband.";
    next_submitted: "Een medewerker van het samenwerkingsverband neemt de aanvraag in behandeling. U ziet dan hier wie uw contactpersoon is.", "Someone at the samenwerkingsverband will take up the request. You will then see here who your contact person is.";
    now_treatment: "Een medewerker van het samenwerkingsverband behandelt de aanvraag.", "Someone at the samenwerkingsverband is handling the request.";
    next_treatment: "Het samenwerkingsverband neemt een besluit. Soms is er eerst een gesprek. U krijgt bericht als er een nieuwe stap is.", "The samenwerkingsverband will take a decision. Sometimes there is a meeting first. You will hear when there is a new step.";
    next_treatment_tlv: "Het samenwerkingsverband vraagt advies aan twee deskundigen. Soms is er eerst een gesprek met u en de school.", "The samenwerkingsverband will ask two experts for advice. Sometimes there is a meeting with you and the school first.";
    now_waiting: "Het samenwerkingsverband wacht op informatie van de school. Tot die er is, staat de termijn voor het besluit stil.", "The samenwerkingsverband is waiting for information from the school. Until it arrives, the time limit for the decision is paused.";
    next_waiting: "Als de informatie er is, gaat de behandeling verder. De nieuwe datum voor het besluit ziet u dan hier.", "When the information has arrived, the handling continues. You will then see the new date for the decision here.";
    now_advice: "Twee deskundigen bekijken de aanvraag en geven advies. Zij werken los van elkaar.", "Two experts look at the request and give their advice. They work independently of each other.";
    next_advice: "Met de adviezen neemt het samenwerkingsverband een besluit. U krijgt daarover bericht.", "With the advice, the samenwerkingsverband takes a decision. You will be told about it.";
    now_granted: "Het samenwerkingsverband heeft de aanvraag toegekend.", "The samenwerkingsverband has granted the request.";
    now_refused: "Het samenwerkingsverband heeft de aanvraag afgewezen.", "The samenwerkingsverband has refused the request.";
    next_decided: "Lees het besluit en de brief hieronder. Bent u het er niet mee eens? Dan kunt u bezwaar maken.", "Read the decision and the letter below. Do you disagree? Then you can object (bezwaar).";
    next_bezwaar: "Het samenwerkingsverband beslist op het bezwaar, meestal na advies van de LBT. U krijgt daarover een brief. Tot dan blijft het besluit gelden.", "The samenwerkingsverband decides on the objection, usually after advice from the LBT. You will get a letter about it. Until then the decision stays in force.";
    next_beroep: "Lees de beslissing op het bezwaar hieronder. Bent u het er niet mee eens? Dan kunt u in beroep gaan bij de rechtbank.", "Read the decision on the objection below. Do you disagree? Then you can appeal to the court (beroep).";
    now_withdrawn: "De aanvraag is ingetrokken.", "The request has been withdrawn.";
    next_withdrawn: "Er gebeurt niets meer met deze aanvraag. Heeft u vragen? Neem dan contact op met de school.", "Nothing more will happen with this request. Do you have questions? Please contact the school.";

    dates_title: "Belangrijke data", "Key dates";
    date_view_by: "Uw mening graag vóór", "Your view is asked before";
    date_passed: "deze datum is voorbij", "this date has passed";
    date_received: "Compleet ontvangen door het samenwerkingsverband", "Received complete by the samenwerkingsverband";
    date_due: "Besluit uiterlijk", "Decision at the latest on";
    date_suspended: "staat nu stil: het samenwerkingsverband wacht op informatie", "paused now: the samenwerkingsverband is waiting for information";
    date_decided: "Datum besluit", "Date of the decision";
    date_bezwaar: "Bezwaar maken kan tot en met", "You can object until";

    contact_title: "Uw contactpersoon", "Your contact person";
    contact_named: "{name} van het samenwerkingsverband. U kunt mailen naar {email}.", "{name} of the samenwerkingsverband. You can e-mail {email}.";
    contact_none: "Er is nog geen contactpersoon bij het samenwerkingsverband. Tot die er is, is de school ({school}) uw aanspreekpunt.", "There is no contact person at the samenwerkingsverband yet. Until there is, the school ({school}) is your point of contact.";

    share_title: "De aanvraag van de school", "The school's request";
    share_intro: "De school deelde deze aanvraag met u op {date} (versie {version}). Zo staat hij er nu.", "The school shared this request with you on {date} (version {version}). This is what it says.";
    share_question: "De vraag van de school en de reden", "The school's question and the reason";
    share_goals: "Doelen", "Goals";
    share_budget: "Begroting", "Budget";
    share_period: "Periode", "Period";
    resp_read: "{who}: gelezen op {date}.", "{who}: read on {date}.";
    resp_agree: "{who}: mening gegeven op {date}: eens met de aanvraag.", "{who}: view given on {date}: agrees with the request.";
    resp_disagree: "{who}: mening gegeven op {date}: niet eens met de aanvraag.", "{who}: view given on {date}: does not agree with the request.";
    resp_signed: "{who}: ondertekend op {date}.", "{who}: signed on {date}.";
    resp_other: "{who}: gereageerd op {date}.", "{who}: responded on {date}.";
    my_view: "Uw mening", "Your view";
    change_view: "Mening wijzigen", "Change my view";
    new_version: "De school heeft de aanvraag veranderd en deze nieuwe versie met u gedeeld. Wat u bij een eerdere versie deed, staat hieronder bij \u{201c}Alles wat er gebeurde\u{201d}. Geef uw mening over deze versie.", "The school has changed the request and shared this new version with you. What you did with an earlier version is listed below under \u{201c}Everything that happened\u{201d}. Please give your view on this version.";
    next_concept_given: "De school stuurt uw mening mee met de aanvraag en dient de aanvraag in bij het samenwerkingsverband. U krijgt dan bericht.", "The school sends your view along with the request and submits it to the samenwerkingsverband. You will then be told.";
    consent_card: "De school vraagt uw toestemming voor een document.", "The school asks your consent for a document.";
    read_title: "Gelezen", "Read";
    path_title: "Wat de school u vraagt, stap voor stap", "What the school asks of you, step by step";
    path_done: "gedaan", "done";
    path_todo: "nog te doen", "to do";
    path_read: "Laat weten dat u de aanvraag heeft gelezen. Niet verplicht, wel fijn voor de school.", "Let the school know you have read the request. Not required, but helpful for the school.";
    path_view: "Geef uw mening vóór {date}. Dit is het belangrijkste: de school moet uw mening bij de aanvraag voegen. Bent u het niet eens? Zeg dat dan ook.", "Give your view before {date}. This is the most important step: the school must add your view to the request. If you disagree, say so too.";
    path_sign: "Onderteken de aanvraag als u die heeft gezien. Niet verplicht; uw handtekening betekent niet dat u het ermee eens bent.", "Sign the request once you have seen it. Not required; your signature does not mean that you agree.";
    path_consent: "Geef antwoord op de vraag om toestemming voor een document (onderaan bij Documenten). Ja of nee: allebei mag.", "Answer the request for consent for a document (below, under Documents). Yes or no: both are fine.";
    path_consent_title: "Toestemming", "Consent";
    read_explain: "Laat de school weten dat u de aanvraag heeft gelezen. Dat betekent nog niet dat u het ermee eens bent.", "Let the school know that you have read the request. This does not mean that you agree with it.";
    read_button: "Ik heb de aanvraag gelezen", "I have read the request";
    view_title: "Uw mening (zienswijze)", "Your view (zienswijze)";
    view_deadline: "Geef uw mening vóór {date}. U mag ook zeggen dat u het niet eens bent: dat komt dan bij de aanvraag.", "Please give your view before {date}. You may also say that you disagree: that will then go with the request.";
    view_deadline_passed: "De datum ({date}) is voorbij, maar u kunt uw mening nog geven zolang de school de aanvraag niet heeft ingediend.", "The date ({date}) has passed, but you can still give your view as long as the school has not submitted the request.";
    view_asked: "Uw mening wordt gevraagd, graag vóór {date}.", "Your view is asked, before {date}.";
    view_question: "Wat vindt u van de aanvraag?", "What do you think of the request?";
    view_agree: "Ik ben het eens met de aanvraag", "I agree with the request";
    view_disagree: "Ik ben het niet eens met de aanvraag", "I do not agree with the request";
    view_text: "Uw mening in uw eigen woorden", "Your view in your own words";
    view_text_hint: "Wat vindt u goed, wat mist u, wat wilt u anders? Of voeg hieronder een document toe.", "What do you think is good, what is missing, what would you like to be different? Or add a document below.";
    view_file: "Document met uw mening (niet verplicht)", "Document with your view (optional)";
    view_send: "Mening versturen", "Send my view";
    sign_title: "Ondertekenen", "Sign";
    sign_explain: "Met uw handtekening laat u weten dat u deze versie van de aanvraag heeft gezien. Dat betekent niet dat u het ermee eens bent: uw mening staat erbij. Typ daarvoor uw volledige naam.", "With your signature you confirm that you have seen this version of the request. It does not mean that you agree: your view goes with it. To sign, type your full name.";
    sign_name: "Uw volledige naam", "Your full name";
    sign_hint: "Typ uw naam zoals die bij uw account staat: {name}.", "Type your name as it is on your account: {name}.";
    sign_button: "Aanvraag ondertekenen", "Sign the request";

    meetings_title: "Gesprekken", "Meetings";
    meeting_tlo: "Toelaatbaarheidsoverleg (gesprek over de TLV)", "Admission meeting (about the TLV)";
    meeting_mdo: "Gesprek met school, ouders en deskundigen", "Meeting of school, parents and experts";
    meeting_moved: "Dit gesprek is verzet. Reden:", "This meeting was moved. Reason:";
    meeting_cancelled: "Dit gesprek gaat niet door. Reden:", "This meeting will not take place. Reason:";

    decision_title: "Het besluit", "The decision";
    decision_outcome: "Uitkomst", "Outcome";
    decision_number: "Nummer van het besluit", "Decision number";
    decision_from: "Geldig vanaf", "Valid from";
    decision_until: "Geldig tot en met", "Valid until";
    decision_no_end: "geen einddatum", "no end date";
    decision_school: "School", "School";
    letter_link: "Download de besluitbrief (pdf)", "Download the decision letter (pdf, in Dutch)";
    letter_sent: "Brief verstuurd op", "Letter sent on";
    letter_not_sent: "De besluitbrief is nog niet verstuurd. Zodra hij verstuurd is, leest u hem hier, met de datum tot wanneer u bezwaar kunt maken. U heeft zes weken voor bezwaar. Die tijd begint op de dag nadat de brief is verstuurd.", "The decision letter has not been sent yet. As soon as it has been sent, you can read it here, with the date until which you can object. You have six weeks to object. That time starts on the day after the letter was sent.";
    bob_title: "Beslissing op het bezwaar", "Decision on the objection";
    bob_outcome: "Het samenwerkingsverband heeft op {date} beslist: het bezwaar is {outcome}.", "On {date} the samenwerkingsverband decided: the objection is {outcome}.";
    bob_revoked: "Het eerdere besluit is vervangen door een nieuw besluit. Wat nu geldt, staat hierboven bij het besluit.", "The earlier decision has been replaced by a new one. What applies now is shown above, with the decision.";
    bob_letter_link: "Download de brief met de beslissing op het bezwaar (pdf)", "Download the letter with the decision on the objection (pdf, in Dutch)";
    bob_not_sent: "Het samenwerkingsverband heeft beslist op het bezwaar. U krijgt daar een brief over. Zodra die verstuurd is, leest u hier wat de beslissing is.", "The samenwerkingsverband has decided on the objection. You will get a letter about it. As soon as it has been sent, you can read the decision here.";
    beroep_1: "Bent u het niet eens met deze beslissing? Dan kunt u in beroep gaan bij {court}. Dat kan tot en met {date}, per brief of digitaal via rechtspraak.nl.", "Do you disagree with this decision? Then you can appeal (beroep) to {court}. You can do so until {date}, by letter or online at rechtspraak.nl.";
    beroep_2: "Voor beroep betaalt u griffierecht aan de rechtbank. Krijgt u gelijk, dan krijgt u dat geld terug. Is er haast? Dan kunt u de rechter vragen om een voorlopige voorziening. U hoeft geen advocaat te hebben. Het Oudersteunpunt helpt u gratis, het Juridisch Loket geeft gratis juridisch advies.", "An appeal costs a court fee (griffierecht); if you are proved right, you get it back. Is it urgent? Then you can ask the judge for a provisional measure (voorlopige voorziening). You do not need a lawyer. The Oudersteunpunt helps you for free, and the Juridisch Loket gives free legal advice.";
    date_beroep: "Beroep instellen kan tot en met", "You can appeal until";
    lbt_advice: "De LBT gaf op {date} advies: volgens de LBT is het bezwaar {advice}.", "The LBT gave its advice on {date}: according to the LBT the objection is {advice}.";
    bezwaar_title: "Niet eens met het besluit?", "Do you disagree with the decision?";
    bezwaar_1: "Dan kunt u bezwaar maken. Dat kan tot en met {date}.", "Then you can object (bezwaar). You can do so until {date}.";
    bezwaar_passed: "De tijd voor bezwaar liep tot en met {date}. Die tijd is voorbij. Had u een goede reden dat het niet eerder kon? Schrijf die dan in uw bezwaar. Het samenwerkingsverband kijkt dan of het bezwaar toch behandeld kan worden.", "The time to object ran until {date}. That time has passed. Did you have a good reason why you could not object earlier? Then write it in your objection. The samenwerkingsverband will then see whether it can still be dealt with.";
    bezwaar_2: "Schrijf in een brief of e-mail wie u bent, over welk besluit het gaat (nummer {number}) en waarom u het er niet mee eens bent. Zet er de datum en uw handtekening onder. Stuur het naar: {address}.", "Write in a letter or e-mail who you are, which decision it is about (number {number}) and why you disagree. Add the date and your signature. Send it to: {address}.";
    bezwaar_3: "Het samenwerkingsverband vraagt dan advies aan de Landelijke Bezwaaradviescommissie Toelaatbaarheidsverklaring (LBT). Tijdens het bezwaar blijft het besluit gelden. Het Oudersteunpunt kan u helpen, ook met het schrijven van een bezwaar.", "The samenwerkingsverband then asks the national objections committee for admission statements (LBT) for advice. While the objection runs, the decision stays in force. The Oudersteunpunt can help you, also with writing an objection.";
    bezwaar_address_unknown: "het samenwerkingsverband", "the samenwerkingsverband";
    bezwaar_received: "Uw bezwaar is ontvangen op {date}. Stand: {outcome}.", "Your objection was received on {date}. Status: {outcome}.";
    bezwaar_open: "nog geen beslissing", "no decision yet";
    bezwaar_upheld: "gegrond (het bezwaar klopt: er komt een nieuw besluit)", "upheld (the objection is right: a new decision replaces the old one)";
    bezwaar_rejected: "ongegrond (het besluit blijft zoals het was)", "rejected (the decision stays as it was)";
    bezwaar_inadmissible: "niet-ontvankelijk (het bezwaar is niet inhoudelijk bekeken, bijvoorbeeld omdat het te laat was)", "inadmissible (the objection was not looked at on its merits, for example because it came too late)";
    bezwaar_decided_unsent: "beslist; de brief volgt", "decided; the letter follows";
    advice_upheld: "gegrond", "upheld";
    advice_rejected: "ongegrond", "rejected";
    advice_inadmissible: "niet-ontvankelijk", "inadmissible";
    bezwaar_withdrawn: "ingetrokken", "withdrawn";

    docs_title: "Documenten", "Documents";
    docs_none: "Er zijn nog geen documenten met u gedeeld.", "No documents have been shared with you yet.";
    docs_own: "Door u toegevoegd op", "Added by you on";
    docs_shared: "Met u gedeeld op", "Shared with you on";
    doc_groeidocument: "groeidocument", "growth document (groeidocument)";
    doc_opp: "ontwikkelingsperspectief (OPP)", "development perspective plan (OPP)";
    doc_report: "verslag van een specialist", "report from a specialist";
    doc_tlo: "verslag van het toelaatbaarheidsoverleg", "report of the admission meeting";
    doc_view: "mening van de ouders (zienswijze)", "parents' view (zienswijze)";
    doc_advice: "advies", "advice";
    doc_other: "ander document", "other document";
    consent_question: "Geeft u toestemming?", "Do you give your consent?";
    consent_explain: "De school vraagt of u instemt met het handelingsdeel: wat de school gaat doen om uw kind te helpen. Zegt u nee? Dan praat de school verder met u. Uw kind krijgt in de tussentijd wel de hulp die nodig is.", "The school asks whether you agree with the action plan (handelingsdeel): what the school will do to help your child. If you say no, the school will talk with you again. In the meantime your child keeps getting the help that is needed.";
    consent_yes: "Ja, ik geef toestemming", "Yes, I give my consent";
    consent_no: "Nee, ik geef geen toestemming", "No, I do not give my consent";
    consent_note: "Toelichting (niet verplicht)", "Explanation (optional)";
    consent_send: "Antwoord versturen", "Send my answer";
    consent_given_by: "{name} gaf toestemming op {date}.", "{name} gave consent on {date}.";
    consent_refused_by: "{name} gaf geen toestemming op {date}.", "{name} did not give consent on {date}.";
    upload_title: "Document toevoegen", "Add a document";
    upload_intro: "Heeft u een verslag van een arts of specialist, of iets anders dat de school en het samenwerkingsverband moeten weten? Voeg het hier toe. De school krijgt bericht.", "Do you have a report from a doctor or specialist, or something else the school and the samenwerkingsverband should know? Add it here. The school will be told.";
    upload_kind: "Wat voor document is het?", "What kind of document is it?";
    upload_doc_title: "Naam van het document (niet verplicht)", "Name of the document (optional)";
    upload_doc_title_hint: "Bijvoorbeeld: verslag kinderarts maart 2026.", "For example: paediatrician's report March 2026.";
    upload_file: "Bestand", "File";
    upload_file_hint: "Een pdf, Word- of OpenDocument-bestand, of een foto (PNG of JPEG). Hooguit 20 MB.", "A PDF, Word or OpenDocument file, or a photo (PNG or JPEG). At most 20 MB.";
    upload_send: "Document toevoegen", "Add document";
    upload_link: "Zelf een document toevoegen", "Add a document yourself";

    timeline_title: "Alles wat er gebeurde", "Everything that happened";
    timeline_intro: "Elke stap, met wie hem zette en wanneer. De teksten zijn in het Nederlands.", "Every step, with who took it and when. The entries are in Dutch.";
    for_child: "Voor", "For";

    access_title: "Wie kan de gegevens van uw kind zien?", "Who can see your child's data?";
    access_intro: "Alleen deze mensen kunnen het dossier openen. Zij mogen dat alleen doen als het nodig is voor hun werk.", "Only these people can open the file. They may only do so when their work requires it.";
    access_link: "Wie kan de gegevens zien, en wie heeft ze bekeken?", "Who can see the data, and who has looked at it?";
    access_parents: "Ouders in het ouderportaal", "Parents in the parents' portal";
    access_school: "Medewerkers van {school}", "Staff of {school}";
    access_swv: "Medewerkers van het samenwerkingsverband (toeleiding)", "Staff of the samenwerkingsverband (toeleiding)";
    access_swv_not_yet: "nog niemand: de school heeft nog geen aanvraag ingediend", "nobody yet: the school has not submitted a request";
    access_experts: "Deskundigen die advies geven", "Experts asked for advice";
    access_receiving: "Medewerkers van {school} (de school in het besluit)", "Staff of {school} (the school named in the decision)";
    log_title: "Wie heeft de gegevens bekeken of gewijzigd?", "Who has looked at or changed the data?";
    log_intro: "Elke keer dat iemand de gegevens van uw kind opent of wijzigt, wordt dat vastgelegd. Hier ziet u de laatste keren. Uw eigen bezoeken staan er niet bij.", "Every time someone opens or changes your child's data, this is recorded. Here you see the most recent times. Your own visits are not listed.";
    log_none: "Nog niets vastgelegd.", "Nothing recorded yet.";
    log_caption: "Inzage en wijzigingen, nieuwste eerst", "Views and changes, newest first";
    log_when: "Wanneer", "When";
    log_who: "Wie", "Who";
    log_what: "Wat", "What";
    log_more: "Er is meer vastgelegd dan hier staat. Wilt u alles zien? Vraag het samenwerkingsverband om inzage.", "More has been recorded than is shown here. Would you like to see everything? Ask the samenwerkingsverband for access to your data.";
    role_parent: "ouder", "parent";
    role_school: "school", "school";
    role_toeleider: "samenwerkingsverband", "samenwerkingsverband";
    role_expert: "deskundige", "expert";
    role_admin: "beheer", "administrator";
    role_adviser: "Oudersteunpunt", "Oudersteunpunt";
    role_system: "het systeem", "the system";
    act_read: "bekeken", "viewed";
    act_download: "gedownload", "downloaded";
    act_create: "toegevoegd", "added";
    act_update: "gewijzigd", "changed";
    act_delete: "verwijderd", "removed";
    act_other: "gebruikt", "used";
    obj_pupil: "dossier", "file";
    obj_request: "aanvraag", "request";
    obj_document: "document", "document";
    obj_decision: "besluit", "decision";
    obj_advice: "advies", "advice";
    obj_portal: "toegang tot het ouderportaal", "access to the parents' portal";
    obj_response: "reactie van een ouder", "a parent's response";
    act_portal_given: "toegang tot het ouderportaal gegeven", "gave access to the parents' portal";
    act_portal_ended: "toegang tot het ouderportaal beëindigd", "ended access to the parents' portal";
    act_parent_response: "gereageerd in het ouderportaal", "responded in the parents' portal";
    obj_other: "gegevens", "data";

    done_language: "De taal is gewijzigd.", "The language has been changed.";
    done_read: "De school ziet nu dat u de aanvraag heeft gelezen.", "The school can now see that you have read the request.";
    done_view: "Dank u. Uw mening is vastgelegd en de school heeft bericht gekregen.", "Thank you. Your view has been recorded and the school has been told.";
    done_signed: "U heeft de aanvraag ondertekend.", "You have signed the request.";
    done_consent: "Uw antwoord is vastgelegd en de school heeft bericht gekregen.", "Your answer has been recorded and the school has been told.";
    done_document: "Het document is toegevoegd. De school heeft bericht gekregen.", "The document has been added. The school has been told.";
    done_stale: "De school heeft de aanvraag intussen gewijzigd of ingediend. Hieronder ziet u de nieuwste stand; uw antwoord is niet opgeslagen.", "The school has changed or submitted the request in the meantime. Below you see the latest state; your answer was not saved.";

    err_view_choose: "Kies of u het eens of niet eens bent met de aanvraag.", "Choose whether you agree or disagree with the request.";
    err_view_words: "Schrijf in een paar zinnen wat u ervan vindt, of voeg een document toe.", "Write in a few sentences what you think, or add a document.";
    err_text_long: "Deze tekst is te lang. Maak hem korter, of voeg een document toe.", "This text is too long. Please shorten it, or add a document.";
    err_title_long: "De naam is te lang: hooguit 150 tekens.", "The name is too long: at most 150 characters.";
    err_file: "Dit bestand kunnen wij niet gebruiken. Kies een pdf, Word- of OpenDocument-bestand, of een foto (PNG of JPEG), van hooguit 20 MB.", "We cannot use this file. Choose a PDF, Word or OpenDocument file, or a photo (PNG or JPEG), of at most 20 MB.";
    err_consent_choose: "Kies of u toestemming geeft.", "Choose whether you give your consent.";
    err_sign: "Typ uw volledige naam zoals die bij uw account staat: {name}.", "Type your full name as it is on your account: {name}.";

    mail_hello: "Goedendag,", "Hello,";
    mail_regards: "Met vriendelijke groet,", "Kind regards,";
    mail_subject: "Nieuwe stap in de aanvraag voor uw kind", "A new step in the request for your child";
    mail_subject_document: "Nieuw document in het ouderportaal", "A new document in the parents' portal";
    mail_new_document: "Er is een nieuw document voor u in het ouderportaal. Log in om het te bekijken.", "There is a new document for you in the parents' portal. Please sign in to see it.";
    mail_new_step: "Er is een nieuwe stap in de aanvraag voor uw kind. Log in om die te bekijken.", "There is a new step in the request for your child. Please sign in to see it.";
    mail_link: "Inloggen en bekijken:", "Sign in and look:";
    mail_subject_combined: "Nieuws in het ouderportaal", "News in the parents' portal";
    mail_combined: "Er is nieuws voor u in het ouderportaal. Hieronder leest u alles. Log in om het te bekijken.", "There is news for you in the parents' portal. You can read all of it below. Please sign in to see it.";
    mail_help: "Heeft u vragen? Het Oudersteunpunt helpt u gratis en onafhankelijk.", "Do you have questions? The Oudersteunpunt helps you free of charge and independently.";
    news_shared: "De school vraagt uw mening over een aanvraag. Geef uw mening graag vóór {date}.", "The school asks for your view on a request. Please give it before {date}.";
    news_submitted: "De school heeft de aanvraag ingediend bij het samenwerkingsverband.", "The school has submitted the request to the samenwerkingsverband.";
    news_treatment: "Het samenwerkingsverband behandelt de aanvraag nu. U ziet wie uw contactpersoon is.", "The samenwerkingsverband is now handling the request. You can see who your contact person is.";
    news_advice: "Het samenwerkingsverband heeft deskundigen om advies gevraagd.", "The samenwerkingsverband has asked experts for advice.";
    news_waiting: "Het samenwerkingsverband wacht op informatie van de school. De termijn voor het besluit staat zolang stil.", "The samenwerkingsverband is waiting for information from the school. The time limit for the decision is paused until then.";
    news_resumed: "De informatie is er. De termijn voor het besluit loopt weer.", "The information has arrived. The time limit for the decision runs again.";
    news_decided: "Het samenwerkingsverband heeft een besluit genomen. U krijgt de besluitbrief. Zodra die verstuurd is, leest u hem ook in het ouderportaal, met wat u kunt doen als u het er niet mee eens bent.", "The samenwerkingsverband has taken a decision. You will get the decision letter. As soon as it has been sent, you can also read it in the parents' portal, with what you can do if you disagree.";
    news_letter_sent: "Er is een besluitbrief van het samenwerkingsverband verstuurd. U leest hem ook in het ouderportaal. Daar staat tot wanneer u bezwaar kunt maken.", "A decision letter from the samenwerkingsverband has been sent. You can also read it in the parents' portal. It says until when you can object.";
    news_bezwaar_decided: "Het samenwerkingsverband heeft beslist op het bezwaar. De brief met de beslissing is verstuurd. U leest hem ook in het ouderportaal. Daar staat tot wanneer u in beroep kunt gaan.", "The samenwerkingsverband has decided on the objection. The letter with the decision has been sent. You can also read it in the parents' portal. It says until when you can appeal.";
    news_withdrawn: "De aanvraag is ingetrokken.", "The request has been withdrawn.";
    news_document: "Er is een document met u gedeeld.", "A document has been shared with you.";
    news_consent: "Er is een document met u gedeeld. De school vraagt uw toestemming.", "A document has been shared with you. The school asks for your consent.";

    invite_subject: "Uitnodiging voor het ouderportaal", "Invitation to the parents' portal";
    revoked_subject: "Uw toegang in het ouderportaal", "Your access in the parents' portal";
    revoked_text: "Uw toegang tot de gegevens van een kind in het ouderportaal van {site} is beëindigd. Heeft u vragen? Neem contact op met de school van uw kind.", "Your access to a child's data in the parents' portal of {site} has ended. Do you have questions? Please contact your child's school.";
    invite_intro: "De school of het samenwerkingsverband nodigt u uit voor het ouderportaal van {site}. Daar volgt u de aanvraag voor extra ondersteuning voor uw kind: de stand, de volgende stap en wie uw contactpersoon is. U kunt er ook uw mening geven en documenten toevoegen.", "The school or the samenwerkingsverband invites you to the parents' portal of {site}. There you can follow the request for extra support for your child: where it stands, the next step and who your contact person is. You can also give your view and add documents.";
    invite_link: "Maak binnen 7 dagen uw account af met deze link:", "Please complete your account within 7 days with this link. The page is in Dutch: type a password of at least 8 characters in both fields and press \u{201c}Account maken\u{201d}. After that, the portal has a button to switch to English.";
    invite_unknown: "Herkent u deze uitnodiging niet? Dan hoeft u niets te doen. Twijfelt u? Vraag het aan de school van uw kind.", "If you do not recognise this invitation, you do not need to do anything. In doubt? Ask your child's school.";
    invite_existing: "U heeft in het ouderportaal van {site} toegang gekregen tot de gegevens van een kind.", "You have been given access to a child's data in the parents' portal of {site}.";
}

/// A date in the parent's language, with its weekday: "maandag 2 maart 2026", "Monday 2 March 2026".
pub fn day(t: &PortalTexts, d: NaiveDate) -> String {
    crate::texts::public::long_date_with_weekday(crate::texts::public::ui(t.language()), d)
}

/// A plain-text mail in the parent's language, with the site's greeting.
pub fn portal_mail(site: &str, t: &PortalTexts, lines: &[&str]) -> String {
    let mut body = format!("{}\n\n", t.mail_hello);
    for l in lines {
        body.push_str(l);
        body.push_str("\n\n");
    }
    body.push_str(t.mail_regards);
    body.push('\n');
    body.push_str(site);
    body.push('\n');
    body
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_languages_fill_the_same_placeholders() {
        // Every text names the same placeholders in both languages.
        let braces = |s: &str| {
            let mut v: Vec<String> = s
                .split('{')
                .skip(1)
                .filter_map(|p| p.split('}').next().map(str::to_owned))
                .collect();
            v.sort();
            v
        };
        let nl = format!("{NL:?}");
        let en = format!("{EN:?}");
        let fields = |dbg: &str| -> Vec<String> {
            dbg.split(": \"")
                .skip(1)
                .map(|p| p.split("\", ").next().unwrap_or_default().to_owned())
                .collect()
        };
        let (a, b) = (fields(&nl), fields(&en));
        assert_eq!(a.len(), b.len());
        for (x, y) in a.iter().zip(&b) {
            assert_eq!(braces(x), braces(y), "{x} / {y}");
        }
        assert_eq!(texts(Lang::En).language(), Lang::En);
        assert_eq!(texts(Lang::Nl).language(), Lang::Nl);
    }
}
