//! Coordinates and distances: the EduGIS file of BAG-geocoded school locations, the PC4
//! centroid table, and the great-circle distance between two points.

use crate::duo::{Warning, decode, postcode};

/// A point in WGS84.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Point {
    /// Latitude in degrees.
    pub lat: f64,
    /// Longitude in degrees.
    pub lon: f64,
}

impl Point {
    /// A point, when it lies in or near the Netherlands (a guard against swapped or broken values).
    pub fn in_netherlands(lat: f64, lon: f64) -> Option<Point> {
        ((50.5..=53.8).contains(&lat) && (3.0..=7.5).contains(&lon)).then_some(Point { lat, lon })
    }

    /// Distance to another point in metres (haversine on a sphere of 6,371 km; good to a few
    /// metres at city scale).
    pub fn distance_m(self, other: Point) -> f64 {
        const R: f64 = 6_371_008.8;
        let (p1, p2) = (self.lat.to_radians(), other.lat.to_radians());
        let dp = (other.lat - self.lat).to_radians();
        let dl = (other.lon - self.lon).to_radians();
        let a = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
        2.0 * R * a.sqrt().asin()
    }
}

/// A school location's coordinates from the EduGIS file.
#[derive(Debug, Clone, PartialEq)]
pub struct GeocodedLocation {
    /// The vestigingscode.
    pub code: String,
    /// The point (BAG address).
    pub point: Point,
    /// The PC4 of its address, when the file has a postcode column (it places the vestiging in
    /// its samenwerkingsverband for the deelnamepercentages).
    pub pc4: Option<String>,
}

/// A PC4 area's centroid.
#[derive(Debug, Clone, PartialEq)]
pub struct Pc4Centroid {
    /// The four digits.
    pub pc4: String,
    /// The centroid.
    pub point: Point,
    /// Whether the PC4 holds only PO boxes.
    pub po_box_only: bool,
}

/// What a geo file held.
#[derive(Debug, Clone, PartialEq)]
pub enum GeoData {
    /// EduGIS school points.
    Locations(Vec<GeocodedLocation>),
    /// PC4 centroids.
    Pc4(Vec<Pc4Centroid>),
}

/// Recognises and parses a geo file: EduGIS (`;`, with `vestigingscode`, `lon`, `lat`) or the
/// PC4 table (`,`, with `postcode`, `latitude`, `longitude`). `None` when it is neither.
pub fn parse(bytes: &[u8]) -> Option<(GeoData, Vec<Warning>, usize)> {
    let (text, _) = decode(bytes);
    let first = text.lines().next().unwrap_or_default();
    let delimiter = if first.contains(';') { b';' } else { b',' };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = reader
        .headers()
        .ok()?
        .iter()
        .map(|h| h.trim().to_lowercase())
        .collect();
    let col = |name: &str| headers.iter().position(|h| h == name);
    let mut warnings = Vec::new();
    let mut rows = 0;
    if let (Some(c_code), Some(c_lon), Some(c_lat)) =
        (col("vestigingscode"), col("lon"), col("lat"))
    {
        let c_postcode = col("postcode");
        let mut out: Vec<GeocodedLocation> = Vec::new();
        for (i, record) in reader.records().enumerate() {
            let line = i + 2;
            rows += 1;
            let Ok(r) = record else {
                warnings.push(Warning {
                    line,
                    message: "regel niet te lezen".to_owned(),
                });
                continue;
            };
            let code = r
                .get(c_code)
                .unwrap_or_default()
                .trim()
                .to_ascii_uppercase();
            let lat = r.get(c_lat).and_then(|v| v.trim().parse::<f64>().ok());
            let lon = r.get(c_lon).and_then(|v| v.trim().parse::<f64>().ok());
            match lat
                .zip(lon)
                .and_then(|(lat, lon)| Point::in_netherlands(lat, lon))
            {
                Some(point) if code.len() == 6 => {
                    // The national file repeats some codes (several BAG matches): keep the first.
                    if out.iter().any(|l| l.code == code) {
                        warnings.push(Warning {
                            line,
                            message: format!("{code}: komt vaker voor; eerste punt gebruikt"),
                        });
                    } else {
                        let pc4 = c_postcode.and_then(|c| r.get(c)).and_then(pc4_of);
                        out.push(GeocodedLocation { code, point, pc4 });
                    }
                }
                _ => warnings.push(Warning {
                    line,
                    message: format!("'{code}': geen geldige code of coördinaten"),
                }),
            }
        }
        return Some((GeoData::Locations(out), warnings, rows));
    }
    if let (Some(c_pc), Some(c_lat), Some(c_lon)) =
        (col("postcode"), col("latitude"), col("longitude"))
    {
        let c_kind = col("soort");
        let mut out = Vec::new();
        for (i, record) in reader.records().enumerate() {
            let line = i + 2;
            rows += 1;
            let Ok(r) = record else {
                warnings.push(Warning {
                    line,
                    message: "regel niet te lezen".to_owned(),
                });
                continue;
            };
            let pc4 = r.get(c_pc).unwrap_or_default().trim().to_owned();
            let lat = r.get(c_lat).and_then(|v| v.trim().parse::<f64>().ok());
            let lon = r.get(c_lon).and_then(|v| v.trim().parse::<f64>().ok());
            let point = lat
                .zip(lon)
                .and_then(|(lat, lon)| Point::in_netherlands(lat, lon));
            match point {
                Some(point) if pc4.len() == 4 && pc4.bytes().all(|b| b.is_ascii_digit()) => out
                    .push(Pc4Centroid {
                        pc4,
                        point,
                        po_box_only: c_kind
                            .and_then(|c| r.get(c))
                            .is_some_and(|k| k.trim() == "Postbus"),
                    }),
                _ => warnings.push(Warning {
                    line,
                    message: format!("'{pc4}': geen geldige PC4 of coördinaten"),
                }),
            }
        }
        return Some((GeoData::Pc4(out), warnings, rows));
    }
    None
}

/// The PC4 of a postcode a visitor typed (`1315`, `1315 AB`, `1315ab`); `None` otherwise.
pub fn pc4_of(input: &str) -> Option<String> {
    let compact: String = input.chars().filter(|c| !c.is_whitespace()).collect();
    if compact.len() == 4
        && compact.bytes().all(|b| b.is_ascii_digit())
        && !compact.starts_with('0')
    {
        return Some(compact);
    }
    postcode(&compact).map(|p| p[..4].to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances() {
        let almere_centrum = Point {
            lat: 52.3702,
            lon: 5.2141,
        };
        let almere_haven = Point {
            lat: 52.3371,
            lon: 5.2176,
        };
        let d = almere_centrum.distance_m(almere_haven);
        assert!((3600.0..3750.0).contains(&d), "{d}");
        assert_eq!(almere_centrum.distance_m(almere_centrum), 0.0);
        assert!(Point::in_netherlands(5.2, 52.3).is_none(), "swapped");
    }

    #[test]
    fn parses_edugis_and_pc4() {
        let edugis = "naam;type;postcode;vestigingscode;lon;lat\nA;basisschool;1315 AB;14QC02;5.2;52.37\nA;basisschool;1316AB;14QC02;5.3;52.38\nB;SO;;XX;;\n";
        let (data, warnings, rows) = parse(edugis.as_bytes()).unwrap();
        assert_eq!(rows, 3);
        assert_eq!(warnings.len(), 2);
        let GeoData::Locations(l) = data else {
            panic!()
        };
        assert_eq!(
            l,
            vec![GeocodedLocation {
                code: "14QC02".into(),
                point: Point {
                    lat: 52.37,
                    lon: 5.2
                },
                pc4: Some("1315".into()),
            }]
        );

        let pc4 = "id,postcode,woonplaats,alternatieve_schrijfwijzen,gemeente,provincie,netnummer,latitude,longitude,soort\n173,1300,Almere,,Almere,Flevoland,036,52.3481373,5.2474067,Postbus\n180,1315,Almere,,Almere,Flevoland,036,52.37,5.21,Adres\n";
        let (data, warnings, _) = parse(pc4.as_bytes()).unwrap();
        assert!(warnings.is_empty());
        let GeoData::Pc4(p) = data else { panic!() };
        assert_eq!(p.len(), 2);
        assert!(p[0].po_box_only && !p[1].po_box_only);
        assert!(parse(b"a;b\n1;2\n").is_none());
    }

    #[test]
    fn visitor_postcodes() {
        assert_eq!(pc4_of("1315").as_deref(), Some("1315"));
        assert_eq!(pc4_of("1315 ab").as_deref(), Some("1315"));
        assert_eq!(pc4_of("131").as_deref(), None);
        assert_eq!(pc4_of("Almere").as_deref(), None);
    }
}
