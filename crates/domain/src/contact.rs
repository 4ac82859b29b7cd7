//! How parents reach a person: the samenwerkingsverband's address, phone, e-mail and opening
//! hours, its postal address for letters (where bezwaar goes), and how to reach the
//! Oudersteunpunt. A beheerder keeps them; every public page shows them.

use crate::accounts::valid_email;

/// A field of the contact details: its form name and its label.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContactField {
    /// Bezoekadres of the SWV.
    SwvAddress,
    /// Postadres of the SWV: the letters' return address, where bezwaar goes.
    SwvPostalAddress,
    /// The SWV's phone.
    SwvPhone,
    /// The SWV's e-mail.
    SwvEmail,
    /// When the SWV answers the phone.
    SwvHours,
    /// The Oudersteunpunt's phone.
    SteunpuntPhone,
    /// The Oudersteunpunt's e-mail.
    SteunpuntEmail,
    /// When the Oudersteunpunt answers.
    SteunpuntHours,
}

impl ContactField {
    /// Every field, in the order of the form.
    pub const ALL: [ContactField; 8] = [
        ContactField::SwvAddress,
        ContactField::SwvPostalAddress,
        ContactField::SwvPhone,
        ContactField::SwvEmail,
        ContactField::SwvHours,
        ContactField::SteunpuntPhone,
        ContactField::SteunpuntEmail,
        ContactField::SteunpuntHours,
    ];

    /// The form field's name.
    pub fn code(self) -> &'static str {
        match self {
            ContactField::SwvAddress => "bezoekadres",
            ContactField::SwvPostalAddress => "postadres",
            ContactField::SwvPhone => "telefoon",
            ContactField::SwvEmail => "e-mail",
            ContactField::SwvHours => "bereikbaar",
            ContactField::SteunpuntPhone => "oudersteunpunt-telefoon",
            ContactField::SteunpuntEmail => "oudersteunpunt-e-mail",
            ContactField::SteunpuntHours => "oudersteunpunt-bereikbaar",
        }
    }

    /// The label, in Dutch.
    pub fn label(self) -> &'static str {
        match self {
            ContactField::SwvAddress => "Bezoekadres van het samenwerkingsverband",
            ContactField::SwvPostalAddress => "Postadres (voor brieven en bezwaar)",
            ContactField::SwvPhone => "Telefoonnummer van het samenwerkingsverband",
            ContactField::SwvEmail => "E-mailadres van het samenwerkingsverband",
            ContactField::SwvHours => "Wanneer is het samenwerkingsverband bereikbaar?",
            ContactField::SteunpuntPhone => "Telefoonnummer van het Oudersteunpunt",
            ContactField::SteunpuntEmail => "E-mailadres van het Oudersteunpunt",
            ContactField::SteunpuntHours => "Wanneer is het Oudersteunpunt bereikbaar?",
        }
    }
}

/// The contact details, each as the beheerder wrote it (empty: not known).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ContactDetails {
    /// Bezoekadres.
    pub swv_address: String,
    /// Postadres: the letters' return address.
    pub swv_postal_address: String,
    /// Phone.
    pub swv_phone: String,
    /// E-mail.
    pub swv_email: String,
    /// Opening hours.
    pub swv_hours: String,
    /// The Oudersteunpunt's phone.
    pub steunpunt_phone: String,
    /// The Oudersteunpunt's e-mail.
    pub steunpunt_email: String,
    /// The Oudersteunpunt's hours.
    pub steunpunt_hours: String,
}

/// The longest value of a field.
pub const MAX_CHARS: usize = 300;

/// A phone number as people write it (`036 123 45 67`, `+31 36 123 45 67`): 10 digits, or 11
/// after `+31`, and nothing but digits, spaces, `+`, `-` and brackets.
pub fn valid_phone(phone: &str) -> bool {
    let allowed = phone
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '+' | '-' | '(' | ')'));
    let digits: String = phone.chars().filter(char::is_ascii_digit).collect();
    allowed
        && ((digits.len() == 10 && digits.starts_with('0'))
            || (digits.len() == 11 && digits.starts_with("31") && phone.trim().starts_with('+')))
}

impl ContactDetails {
    /// A field's value.
    pub fn get(&self, f: ContactField) -> &str {
        match f {
            ContactField::SwvAddress => &self.swv_address,
            ContactField::SwvPostalAddress => &self.swv_postal_address,
            ContactField::SwvPhone => &self.swv_phone,
            ContactField::SwvEmail => &self.swv_email,
            ContactField::SwvHours => &self.swv_hours,
            ContactField::SteunpuntPhone => &self.steunpunt_phone,
            ContactField::SteunpuntEmail => &self.steunpunt_email,
            ContactField::SteunpuntHours => &self.steunpunt_hours,
        }
    }

    /// A field to set.
    pub fn field_mut(&mut self, f: ContactField) -> &mut String {
        match f {
            ContactField::SwvAddress => &mut self.swv_address,
            ContactField::SwvPostalAddress => &mut self.swv_postal_address,
            ContactField::SwvPhone => &mut self.swv_phone,
            ContactField::SwvEmail => &mut self.swv_email,
            ContactField::SwvHours => &mut self.swv_hours,
            ContactField::SteunpuntPhone => &mut self.steunpunt_phone,
            ContactField::SteunpuntEmail => &mut self.steunpunt_email,
            ContactField::SteunpuntHours => &mut self.steunpunt_hours,
        }
    }

    /// What a parent needs and is still empty: a postal address for bezwaar, a phone or an
    /// e-mail and the hours of both the SWV and the Oudersteunpunt. `configured_postal` is the
    /// postal address from the server's settings (`PASSEND_POSTADRES`), which stands in for one
    /// nobody saved yet.
    pub fn missing(&self, configured_postal: &str) -> Vec<ContactField> {
        let empty = |f: ContactField| self.get(f).trim().is_empty();
        let mut out = Vec::new();
        if empty(ContactField::SwvPostalAddress) && configured_postal.trim().is_empty() {
            out.push(ContactField::SwvPostalAddress);
        }
        for (phone, email, hours) in [
            (
                ContactField::SwvPhone,
                ContactField::SwvEmail,
                ContactField::SwvHours,
            ),
            (
                ContactField::SteunpuntPhone,
                ContactField::SteunpuntEmail,
                ContactField::SteunpuntHours,
            ),
        ] {
            if empty(phone) && empty(email) {
                out.push(phone);
            }
            if empty(hours) {
                out.push(hours);
            }
        }
        out
    }

    /// What is wrong with the values, per field, in Dutch.
    pub fn problems(&self) -> Vec<(ContactField, &'static str)> {
        let mut out = Vec::new();
        for f in ContactField::ALL {
            let v = self.get(f).trim();
            if v.chars().count() > MAX_CHARS {
                out.push((f, "Gebruik hoogstens 300 tekens."));
                continue;
            }
            if v.is_empty() {
                continue;
            }
            let ok = match f {
                ContactField::SwvPhone | ContactField::SteunpuntPhone => valid_phone(v),
                ContactField::SwvEmail | ContactField::SteunpuntEmail => valid_email(v),
                _ => true,
            };
            if !ok {
                out.push((
                    f,
                    match f {
                        ContactField::SwvPhone | ContactField::SteunpuntPhone => {
                            "Vul een telefoonnummer van 10 cijfers in, bijvoorbeeld 036 123 45 67."
                        }
                        _ => "Vul een e-mailadres in, bijvoorbeeld info@swv.nl.",
                    },
                ));
            }
        }
        out
    }

    /// The names of the fields that differ from `older`.
    pub fn changed_since(&self, older: &ContactDetails) -> Vec<ContactField> {
        ContactField::ALL
            .into_iter()
            .filter(|f| self.get(*f) != older.get(*f))
            .collect()
    }
}

/// The digits to dial (`tel:` link) of a phone number as written.
pub fn dial(phone: &str) -> String {
    let digits: String = phone.chars().filter(char::is_ascii_digit).collect();
    if phone.trim().starts_with('+') {
        format!("+{digits}")
    } else {
        digits
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phones_emails_and_what_is_missing() {
        assert!(valid_phone("036 123 45 67"));
        assert!(
            !valid_phone("+31 (0)36 123 4567"),
            "11 digits after +31 only"
        );
        assert!(valid_phone("+31 36 123 45 67"));
        assert!(!valid_phone("123"));
        assert!(!valid_phone("036-1234567 toestel 5"));
        assert_eq!(dial("+31 36 123 45 67"), "+31361234567");
        assert_eq!(dial("036 123 45 67"), "0361234567");

        let mut c = ContactDetails::default();
        assert_eq!(c.missing("").len(), 5);
        assert_eq!(c.missing("Postbus 1, 1300 AA Almere").len(), 4);
        c.swv_postal_address = "Postbus 10000, 1300 AA Almere".to_owned();
        c.swv_email = "info@swv.nl".to_owned();
        c.swv_hours = "maandag tot en met vrijdag, 9.00 tot 17.00 uur".to_owned();
        c.steunpunt_phone = "036 000 00 00".to_owned();
        assert_eq!(c.missing(""), [ContactField::SteunpuntHours]);
        c.steunpunt_email = "geen adres".to_owned();
        assert_eq!(
            c.problems(),
            [(
                ContactField::SteunpuntEmail,
                "Vul een e-mailadres in, bijvoorbeeld info@swv.nl."
            )]
        );
        let before = ContactDetails::default();
        assert_eq!(c.changed_since(&before).len(), 5);
    }
}
