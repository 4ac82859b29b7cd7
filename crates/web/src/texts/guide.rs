//! "Wat kan ik doen?": a few questions for parents that end on the next step and the page that
//! explains it. The answers live only in the address of the page: nothing is stored.

use passend_domain::Lang;

/// One step: a question with its answers, or an end with advice and where to read on.
#[derive(Debug)]
pub struct Step {
    /// Its id in the address (`?stap=`).
    pub id: &'static str,
    /// The question; empty at an end.
    pub question: &'static str,
    /// (answer, the step it leads to).
    pub answers: &'static [(&'static str, &'static str)],
    /// The advice at an end, one paragraph each.
    pub advice: &'static [&'static str],
    /// (page, label) to read on: a content page's slug, `kaart`, or an absolute path.
    pub links: &'static [(&'static str, &'static str)],
}

/// A question and the steps its answers lead to.
const fn ask(
    id: &'static str,
    question: &'static str,
    answers: &'static [(&'static str, &'static str)],
) -> Step {
    Step {
        id,
        question,
        answers,
        advice: &[],
        links: &[],
    }
}

/// An end: what to do, and where to read on.
const fn end(
    id: &'static str,
    advice: &'static [&'static str],
    links: &'static [(&'static str, &'static str)],
) -> Step {
    Step {
        id,
        question: "",
        answers: &[],
        advice,
        links,
    }
}

/// The words around the steps.
#[derive(Debug)]
pub struct GuideTexts {
    /// Title of the page.
    pub title: &'static str,
    /// What the page is.
    pub intro: &'static str,
    /// The button to the next question.
    pub next: &'static str,
    /// Heading above the advice.
    pub advice_heading: &'static str,
    /// Heading above the links.
    pub read_on: &'static str,
    /// Start again.
    pub again: &'static str,
    /// Nothing is stored.
    pub privacy: &'static str,
    /// No answer chosen.
    pub choose: &'static str,
    /// Heading of the error summary.
    pub error_heading: &'static str,
    /// Always: the Oudersteunpunt.
    pub help: &'static str,
    /// The steps; the first is the start.
    pub steps: &'static [Step],
}

const OUDERSTEUNPUNT_NL: (&str, &str) = (
    "oudersteunpunt",
    "Het Oudersteunpunt: gratis hulp voor ouders",
);
const OUDERSTEUNPUNT_EN: (&str, &str) = (
    "oudersteunpunt",
    "The Oudersteunpunt: free help for parents",
);

/// Dutch.
pub static GUIDE_NL: GuideTexts = GuideTexts {
    title: "Wat kan ik doen?",
    intro: "Beantwoord een paar korte vragen. Daarna leest u wat u als volgende stap kunt doen, en waar u meer informatie vindt. U hebt geen account nodig.",
    next: "Volgende",
    advice_heading: "Wat kunt u doen?",
    read_on: "Lees verder",
    again: "Opnieuw beginnen",
    privacy: "Uw antwoorden worden nergens bewaard.",
    choose: "Kies een antwoord.",
    error_heading: "Er is een probleem",
    help: "Wilt u met iemand praten? Het Oudersteunpunt helpt u gratis en onafhankelijk.",
    steps: &[
        ask(
            "start",
            "Waar gaat uw vraag over?",
            &[
                (
                    "Ik maak me zorgen over hoe het op school gaat met mijn kind",
                    "zorg",
                ),
                ("Mijn kind gaat niet of bijna niet naar school", "thuis"),
                (
                    "Mijn kind is ziek en kan daardoor niet altijd naar school",
                    "ziek",
                ),
                ("Ik zoek een school voor mijn kind", "school"),
                (
                    "Er is al een aanvraag of een besluit over mijn kind",
                    "aanvraag",
                ),
            ],
        ),
        ask(
            "zorg",
            "Hebt u al met de leerkracht of de intern begeleider gepraat?",
            &[("Nee, nog niet", "praten"), ("Ja", "plan")],
        ),
        ask(
            "plan",
            "Krijgt uw kind al extra hulp op school?",
            &[
                ("Nee", "vragen"),
                ("Ja, maar het helpt niet genoeg", "meer"),
            ],
        ),
        ask(
            "aanvraag",
            "Wat wilt u weten?",
            &[
                ("Hoe het ervoor staat", "volgen"),
                ("Ik ben het niet eens met een besluit", "bezwaar"),
            ],
        ),
        end(
            "praten",
            &[
                "Begin met een gesprek met de leerkracht. Vertel wat u thuis ziet, en vraag wat de school ziet.",
                "De intern begeleider (ib'er) van de school kan meedenken. Samen spreekt u af wat er nodig is en wanneer u weer praat.",
            ],
            &[("rol-van-ouders", "Uw rol als ouder"), OUDERSTEUNPUNT_NL],
        ),
        end(
            "vragen",
            &[
                "Vraag de school om een gesprek over extra ondersteuning. De school moet samen met u kijken wat uw kind nodig heeft. Dat heet zorgplicht.",
                "Neem op papier mee wat u ziet en wat u wilt vragen. U mag iemand meenemen naar het gesprek.",
            ],
            &[
                ("zorgplicht", "Wat is zorgplicht?"),
                ("samenwerken", "Samenwerken met school"),
            ],
        ),
        end(
            "meer",
            &[
                "Vraag de school om samen met het samenwerkingsverband te kijken wat uw kind nodig heeft. Dat kan met een aanvraag voor advies, voor extra ondersteuning op school (een arrangement), of voor een plek in het speciaal (basis)onderwijs met een toelaatbaarheidsverklaring.",
                "U praat mee en u geeft uw mening. U kunt de aanvraag daarna volgen op deze website.",
            ],
            &[
                (
                    "toelaatbaarheidsverklaring",
                    "Wat is een toelaatbaarheidsverklaring?",
                ),
                ("kaart", "Scholen en voorzieningen zoeken"),
            ],
        ),
        end(
            "thuis",
            &[
                "Neem zo snel mogelijk contact op met de school. De school moet samen met u zoeken naar onderwijs dat bij uw kind past.",
                "Ook de leerplichtambtenaar kan helpen. Dat is de persoon bij de gemeente die erop let dat kinderen naar school gaan. Lukt het niet samen met de school? Dan kunnen de onderwijsconsulenten helpen. Zij praten gratis met u en de school, en zoeken samen een oplossing.",
            ],
            &[("zorgplicht", "Wat is zorgplicht?"), OUDERSTEUNPUNT_NL],
        ),
        end(
            "ziek",
            &[
                "Vertel de school dat uw kind ziek is en hoe lang het waarschijnlijk duurt. De school blijft verantwoordelijk voor het onderwijs van uw kind, ook als het thuis of in het ziekenhuis is.",
                "De school kan hulp vragen aan een consulent onderwijs aan zieke leerlingen. Dat is een deskundige die scholen helpt om zieke kinderen les te blijven geven.",
            ],
            &[("zieke-leerlingen", "Onderwijs aan zieke leerlingen")],
        ),
        end(
            "school",
            &[
                "Zoek op de kaart welke scholen dicht bij huis zijn en welke hulp ze geven.",
                "Meld uw kind schriftelijk aan bij de school van uw keuze, het liefst minstens 10 weken voor de dag waarop uw kind wil beginnen. Vertel de school bij de aanmelding welke hulp uw kind nodig heeft. Vanaf de aanmelding heeft het schoolbestuur zorgplicht.",
            ],
            &[
                ("kaart", "Scholen en voorzieningen zoeken"),
                ("zorgplicht", "Wat is zorgplicht?"),
            ],
        ),
        end(
            "volgen",
            &[
                "Hebt u een uitnodiging gekregen van het samenwerkingsverband? Dan kunt u inloggen en de aanvraag volgen: wat er gebeurt, wat de volgende stap is en wie uw contactpersoon is.",
                "Geen uitnodiging gekregen? Vraag de school of het samenwerkingsverband erom.",
            ],
            &[
                ("/inloggen", "Inloggen"),
                ("rol-van-ouders", "Uw rol als ouder"),
            ],
        ),
        end(
            "bezwaar",
            &[
                "Bent u het niet eens met een besluit over een toelaatbaarheidsverklaring? Dan kunt u binnen 6 weken bezwaar maken bij het samenwerkingsverband. In de brief met het besluit staat hoe dat gaat.",
                "Bel of mail gerust eerst met uw contactpersoon. Soms is een gesprek genoeg.",
            ],
            &[
                ("toelaatbaarheidsverklaring", "Bezwaar tegen een besluit"),
                OUDERSTEUNPUNT_NL,
            ],
        ),
    ],
};

/// English.
pub static GUIDE_EN: GuideTexts = GuideTexts {
    title: "What can I do?",
    intro: "Answer a few short questions. You will then read what you can do next, and where to find more information. You do not need an account.",
    next: "Next",
    advice_heading: "What can you do?",
    read_on: "Read on",
    again: "Start again",
    privacy: "Your answers are not stored anywhere.",
    choose: "Choose an answer.",
    error_heading: "There is a problem",
    help: "Would you like to talk to someone? The Oudersteunpunt helps you for free and independently.",
    steps: &[
        ask(
            "start",
            "What is your question about?",
            &[
                ("I am worried about how my child is doing at school", "zorg"),
                ("My child does not go to school, or hardly ever", "thuis"),
                ("My child is ill and cannot always go to school", "ziek"),
                ("I am looking for a school for my child", "school"),
                (
                    "There is already a request or a decision about my child",
                    "aanvraag",
                ),
            ],
        ),
        ask(
            "zorg",
            "Have you talked to the teacher or the intern begeleider yet?",
            &[("No, not yet", "praten"), ("Yes", "plan")],
        ),
        ask(
            "plan",
            "Does your child already get extra help at school?",
            &[
                ("No", "vragen"),
                ("Yes, but it does not help enough", "meer"),
            ],
        ),
        ask(
            "aanvraag",
            "What would you like to know?",
            &[
                ("How things stand", "volgen"),
                ("I do not agree with a decision", "bezwaar"),
            ],
        ),
        end(
            "praten",
            &[
                "Start with a conversation with the teacher. Say what you see at home, and ask what the school sees.",
                "The school's intern begeleider (special needs coordinator) can help think it through. Together you agree on what is needed and when you will talk again.",
            ],
            &[
                ("rol-van-ouders", "Your role as a parent"),
                OUDERSTEUNPUNT_EN,
            ],
        ),
        end(
            "vragen",
            &[
                "Ask the school for a meeting about extra support. The school must look at what your child needs together with you. This is called zorgplicht (duty of care).",
                "Write down what you see and what you want to ask. You may bring someone to the meeting.",
            ],
            &[
                ("zorgplicht", "What is zorgplicht?"),
                ("samenwerken", "Working with the school"),
            ],
        ),
        end(
            "meer",
            &[
                "Ask the school to look at what your child needs together with the samenwerkingsverband. This can be a request for advice, for extra support at school (an arrangement), or for a place in special (primary) education with a toelaatbaarheidsverklaring (TLV).",
                "You take part and give your view. You can then follow the request on this website.",
            ],
            &[
                ("toelaatbaarheidsverklaring", "What is a TLV?"),
                ("kaart", "Find schools and support"),
            ],
        ),
        end(
            "thuis",
            &[
                "Contact the school as soon as possible. The school must look for education that suits your child together with you.",
                "The gemeente's leerplichtambtenaar (school attendance officer) can also help. If it does not work out with the school, the onderwijsconsulenten can mediate for free.",
            ],
            &[("zorgplicht", "What is zorgplicht?"), OUDERSTEUNPUNT_EN],
        ),
        end(
            "ziek",
            &[
                "Tell the school that your child is ill and how long it will probably last. The school stays responsible for your child's education, also at home or in hospital.",
                "The school can ask a consultant for the education of sick pupils for help.",
            ],
            &[("zieke-leerlingen", "Education for sick pupils")],
        ),
        end(
            "school",
            &[
                "Look on the map for schools close to home and the help they give.",
                "Register your child in writing at the school of your choice, preferably at least 10 weeks before the day your child would start. Tell the school what help your child needs when you register. From the registration, the school board has zorgplicht.",
            ],
            &[
                ("kaart", "Find schools and support"),
                ("zorgplicht", "What is zorgplicht?"),
            ],
        ),
        end(
            "volgen",
            &[
                "Did you get an invitation from the samenwerkingsverband? Then you can sign in and follow the request: what happens, what the next step is and who your contact person is.",
                "No invitation? Ask the school or the samenwerkingsverband for one.",
            ],
            &[
                ("/inloggen", "Sign in"),
                ("rol-van-ouders", "Your role as a parent"),
            ],
        ),
        end(
            "bezwaar",
            &[
                "Do you disagree with a decision on a toelaatbaarheidsverklaring? You can object (bezwaar) to the samenwerkingsverband within 6 weeks. The decision letter says how.",
                "Feel free to call or e-mail your contact person first. Sometimes a conversation is enough.",
            ],
            &[
                ("toelaatbaarheidsverklaring", "Objecting to a decision"),
                OUDERSTEUNPUNT_EN,
            ],
        ),
    ],
};

/// The guide in a language.
pub fn guide(lang: Lang) -> &'static GuideTexts {
    match lang {
        Lang::Nl => &GUIDE_NL,
        Lang::En => &GUIDE_EN,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_answer_leads_to_a_step_and_every_step_is_reached() {
        for g in [&GUIDE_NL, &GUIDE_EN] {
            let ids: Vec<&str> = g.steps.iter().map(|s| s.id).collect();
            for s in g.steps {
                assert_eq!(s.question.is_empty(), s.answers.is_empty(), "{}", s.id);
                assert_eq!(s.answers.is_empty(), !s.advice.is_empty(), "{}", s.id);
                for (_, next) in s.answers {
                    assert!(ids.contains(next), "{} leads to unknown {next}", s.id);
                }
                let reached = s.id == "start"
                    || g.steps
                        .iter()
                        .any(|o| o.answers.iter().any(|(_, n)| *n == s.id));
                assert!(reached, "{} is never reached", s.id);
            }
        }
        let nl: Vec<&str> = GUIDE_NL.steps.iter().map(|s| s.id).collect();
        let en: Vec<&str> = GUIDE_EN.steps.iter().map(|s| s.id).collect();
        assert_eq!(nl, en, "both languages have the same steps");
    }
}
