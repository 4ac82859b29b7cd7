//! The voorzieningenkaart's in-memory index: every location with what the filters need,
//! rebuilt when the data changes (a cheap stamp query at most once per check interval, as for
//! the content). Filtering and sorting run in memory, and each distinct search's response is
//! kept with the index, so a repeated search over a national data set costs no work at all.

use crate::encoded::{Encoded, Ready, ResponseCache};
use axum::body::Bytes;
use chrono::NaiveDate;
use passend_domain::content::split_list;
use passend_domain::duo::{SchoolType, parse_clusters, parse_onderwijs};
use passend_domain::geo::{Point, pc4_of};
use passend_domain::support::{Admission, derived_admission, derived_themes, theme};
use passend_domain::text::fold;
use passend_store::locations::{self, Location, Profile, Voorziening};
use passend_store::{Db, StoreResult};
use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

/// A location ready for searching and showing.
#[derive(Debug, Clone)]
pub struct Entry {
    /// The stored row.
    pub loc: Location,
    /// Kind of school.
    pub kind: SchoolType,
    /// Clusters.
    pub clusters: BTreeSet<u8>,
    /// Support themes (derived from DUO codes for SBO/SO; none for a regular school until it fills
    /// in its profile).
    pub themes: Vec<&'static str>,
    /// How a child is admitted.
    pub admission: Admission,
    /// Coordinates.
    pub point: Option<Point>,
    /// Whether the point is a PC4 centroid (approximate).
    pub approximate: bool,
    /// Folded name and address, for the text search.
    search_text: String,
    /// Place as Dutch writes it (`ALMERE` → `Almere`).
    pub place: String,
    /// Names the location had before (a search for one still finds it).
    pub former_names: Vec<String>,
    /// Set when this entry is a voorziening hosted at the location.
    pub voorziening: Option<Voorziening>,
    /// The profile the SWV or the school set; it replaces the derived themes and admission.
    pub profile: Option<Profile>,
}

impl Entry {
    /// `pupil_type` is the kind of school in the pupil-count file, which tells SO from VSO where
    /// the address file says `(V)SO` for every location of a school.
    fn new(
        loc: Location,
        pupil_type: Option<SchoolType>,
        former_names: Vec<String>,
    ) -> Option<Entry> {
        let kind = match (SchoolType::from_code(&loc.school_type)?, pupil_type) {
            (SchoolType::SoVso, Some(t @ (SchoolType::So | SchoolType::Vso))) => t,
            (kind, _) => kind,
        };
        let clusters = parse_clusters(&loc.clusters.replace(',', "/"));
        let onderwijs = parse_onderwijs(&loc.onderwijs);
        let themes = derived_themes(kind, &clusters, &onderwijs)
            .into_iter()
            .collect();
        let admission = derived_admission(kind, &clusters);
        let point = loc
            .lat
            .zip(loc.lon)
            .and_then(|(lat, lon)| Point::in_netherlands(lat, lon));
        let approximate = loc.coord_source.as_deref() == Some("pc4");
        let place = passend_domain::duo::place_name(&loc.place);
        let number = passend_domain::duo::HouseNumber::parse(&loc.house_number_raw)
            .map(|h| h.display())
            .unwrap_or_default();
        let kind_words = match kind {
            SchoolType::Bo => "bo basisschool basisonderwijs",
            SchoolType::Sbo => "sbo sbao speciaal basisonderwijs",
            SchoolType::So => "so speciaal onderwijs",
            SchoolType::Vso => "vso voortgezet speciaal onderwijs",
            SchoolType::SoVso => "so vso speciaal onderwijs voortgezet",
        };
        let search_text = fold(&format!(
            "{} {} {} {number} {} {} {} {} {} {kind_words}",
            loc.name,
            former_names.join(" "),
            loc.street,
            loc.postcode,
            loc.postcode.replace(' ', ""),
            place,
            loc.code,
            loc.denominatie
        ));
        Some(Entry {
            loc,
            kind,
            clusters,
            themes,
            admission,
            point,
            approximate,
            search_text,
            place,
            former_names,
            voorziening: None,
            profile: None,
        })
    }

    /// Applies a profile set by the SWV or the school.
    fn with_profile(mut self, profile: Profile) -> Entry {
        self.themes = split_list(&profile.themes)
            .iter()
            .filter_map(|id| theme(id))
            .map(|t| t.id)
            .collect();
        self.admission = Admission::from_code(&profile.admission).unwrap_or(self.admission);
        self.profile = Some(profile);
        self
    }

    /// An entry for a voorziening, placed at its host location.
    fn for_voorziening(host: &Entry, v: Voorziening) -> Entry {
        let mut entry = host.clone();
        entry.themes = split_list(&v.themes)
            .iter()
            .filter_map(|id| theme(id))
            .map(|t| t.id)
            .collect();
        entry.admission = Admission::from_code(&v.admission).unwrap_or(Admission::Tlv);
        entry.search_text = fold(&format!(
            "{} {} {}",
            v.name, v.description, host.search_text
        ));
        entry.voorziening = Some(v);
        entry.profile = None;
        entry
    }

    /// The name shown: the voorziening's, or the location's.
    pub fn name(&self) -> &str {
        self.voorziening
            .as_ref()
            .map_or(&self.loc.name, |v| &v.name)
    }

    /// The path of the detail page (a voorziening has a section on its location's page).
    pub fn path(&self) -> String {
        match &self.voorziening {
            Some(v) => format!("/kaart/{}#v-{}", self.loc.code, v.slug),
            None => format!("/kaart/{}", self.loc.code),
        }
    }

    /// The type code used in the data exports.
    pub fn type_code(&self) -> &'static str {
        if self.voorziening.is_some() {
            "voorziening"
        } else {
            self.kind.code()
        }
    }

    /// The house number as people write it (`113-B` → `113B`).
    pub fn house_number(&self) -> String {
        passend_domain::duo::HouseNumber::parse(&self.loc.house_number_raw)
            .map(|h| h.display())
            .unwrap_or_else(|| self.loc.house_number_raw.clone())
    }

    /// Street, number, postcode and place as people write them.
    pub fn address(&self) -> String {
        format!(
            "{} {}, {} {}",
            self.loc.street,
            self.house_number(),
            self.loc.postcode,
            self.place
        )
    }

    /// Whether it is open.
    pub fn is_open(&self) -> bool {
        self.loc.status == "open"
    }
}

/// The whole index.
#[derive(Debug)]
pub struct MapIndex {
    stamp: i64,
    /// Every location, by name.
    pub entries: Vec<Entry>,
    /// PC4 centroids for distance from a postcode.
    pub pc4: HashMap<String, Point>,
    /// Denominaties found in the data, A–Z.
    pub denominaties: Vec<String>,
    /// The date of the latest address import.
    pub data_date: Option<NaiveDate>,
    /// Responses made from this index, by key (see [`MapIndex::response`]).
    responses: ResponseCache,
}

/// The most bytes of responses kept per index; when full, all are dropped at once.
const MAX_RESPONSE_BYTES: usize = 64 * 1024 * 1024;

/// The kinds a visitor can filter on (`soort=`).
pub const KINDS: &[&str] = &["bo", "sbo", "so", "vso", "voorziening"];

/// A search on the map, as the URL carries it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MapQuery {
    /// Text in name or address.
    pub q: String,
    /// Kinds: `bo`, `sbo`, `so`, `vso`.
    pub kinds: Vec<String>,
    /// Clusters.
    pub clusters: Vec<u8>,
    /// Theme ids.
    pub themes: Vec<String>,
    /// Denominatie.
    pub denominatie: String,
    /// Postcode as typed.
    pub postcode: String,
    /// A point from "gebruik mijn locatie".
    pub origin: Option<Point>,
    /// Radius in km.
    pub radius_km: Option<f64>,
    /// Page, 1-based.
    pub page: usize,
}

/// A result: an entry and its distance from the origin.
#[derive(Debug, Clone, Copy)]
pub struct Hit<'a> {
    /// The location.
    pub entry: &'a Entry,
    /// Metres from the origin.
    pub distance_m: Option<f64>,
}

/// A problem with the search, shown at its field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QueryError {
    /// The postcode is not a Dutch postcode.
    BadPostcode,
    /// The postcode is valid but we have no centroid for it.
    UnknownPostcode,
}

impl MapIndex {
    /// The origin of a query: the visitor's location, or their postcode's centroid.
    pub fn origin(&self, query: &MapQuery) -> Result<Option<Point>, QueryError> {
        if let Some(p) = query.origin {
            return Ok(Some(p));
        }
        if query.postcode.trim().is_empty() {
            return Ok(None);
        }
        let pc4 = pc4_of(&query.postcode).ok_or(QueryError::BadPostcode)?;
        self.pc4
            .get(&pc4)
            .copied()
            .map(Some)
            .ok_or(QueryError::UnknownPostcode)
    }

    /// Whether a search's response is worth keeping: no free text (a typed name, a visitor's
    /// coordinates, a full postcode, an unknown denomination), so the kept responses stay few.
    pub fn keeps(&self, query: &MapQuery) -> bool {
        let postcode = query.postcode.trim();
        query.q.is_empty()
            && query.origin.is_none()
            && (postcode.is_empty() || (postcode.len() == 4 && self.pc4.contains_key(postcode)))
            && (query.denominatie.is_empty() || self.denominaties.contains(&query.denominatie))
    }

    /// Runs a search: every open location that passes the filters, by distance when there is
    /// an origin, else by name.
    pub fn search(&self, query: &MapQuery, origin: Option<Point>) -> Vec<Hit<'_>> {
        let words: Vec<String> = fold(&query.q)
            .split_whitespace()
            .map(str::to_owned)
            .collect();
        let mut hits: Vec<Hit<'_>> = self
            .entries
            .iter()
            .filter(|e| e.is_open())
            .filter(|e| {
                query.kinds.is_empty()
                    || query
                        .kinds
                        .iter()
                        .any(|k| match (k.as_str(), e.voorziening.is_some()) {
                            ("voorziening", v) => v,
                            (_, true) => false,
                            ("bo", _) => e.kind == SchoolType::Bo,
                            ("sbo", _) => e.kind == SchoolType::Sbo,
                            ("so", _) => matches!(e.kind, SchoolType::So | SchoolType::SoVso),
                            ("vso", _) => matches!(e.kind, SchoolType::Vso | SchoolType::SoVso),
                            _ => false,
                        })
            })
            .filter(|e| {
                query.clusters.is_empty() || query.clusters.iter().any(|c| e.clusters.contains(c))
            })
            .filter(|e| query.themes.iter().all(|t| e.themes.contains(&t.as_str())))
            .filter(|e| query.denominatie.is_empty() || e.loc.denominatie == query.denominatie)
            .filter(|e| words.iter().all(|w| e.search_text.contains(w.as_str())))
            .map(|entry| Hit {
                entry,
                distance_m: origin.zip(entry.point).map(|(o, p)| o.distance_m(p)),
            })
            .filter(|h| match (query.radius_km, origin) {
                (Some(r), Some(_)) => h.distance_m.is_some_and(|d| d <= r * 1000.0),
                _ => true,
            })
            .collect();
        if origin.is_some() {
            hits.sort_by(|a, b| {
                a.distance_m
                    .unwrap_or(f64::INFINITY)
                    .total_cmp(&b.distance_m.unwrap_or(f64::INFINITY))
                    .then_with(|| fold(a.entry.name()).cmp(&fold(b.entry.name())))
            });
        }
        hits
    }

    /// A response for `key`, made by `render` the first time and kept with this index, encoded
    /// (so it is dropped when the data changes). Searches with free-form input (a typed name, a
    /// visitor's coordinates) are not kept: there are too many of them to be worth it. At most
    /// [`MAX_RESPONSE_BYTES`] are kept; when full, all are dropped at once.
    pub fn response<E>(
        &self,
        key: &str,
        cacheable: bool,
        render: impl FnOnce() -> Result<String, E>,
    ) -> Result<Ready, E> {
        if !cacheable {
            return render().map(|b| Ready::Once(Bytes::from(b)));
        }
        if let Some(hit) = self.responses.get(key) {
            return Ok(Ready::Kept(hit));
        }
        Ok(Ready::Kept(self.responses.keep(key, render()?)))
    }

    /// The response kept for `key`, when there is one (for responses made by async code).
    pub fn kept(&self, key: &str) -> Option<Encoded> {
        self.responses.get(key)
    }

    /// Keeps `body` for `key` with this index.
    pub fn keep(&self, key: &str, body: String) -> Encoded {
        self.responses.keep(key, body)
    }

    /// The stamp of the data this index was built from.
    pub fn stamp(&self) -> i64 {
        self.stamp
    }

    /// The location with this vestigingscode.
    pub fn by_code(&self, code: &str) -> Option<&Entry> {
        self.entries
            .iter()
            .find(|e| e.loc.code == code && e.voorziening.is_none())
    }

    /// The voorzieningen hosted at a location.
    pub fn voorzieningen_at(&self, code: &str) -> Vec<&Entry> {
        self.entries
            .iter()
            .filter(|e| e.loc.code == code && e.voorziening.is_some())
            .collect()
    }
}

/// The cache of the index.
#[derive(Debug)]
pub struct MapCache {
    index: RwLock<Option<(Arc<MapIndex>, Instant)>>,
    interval: Duration,
    /// One rebuild at a time: a national index is large, and requests that find it stale
    /// together must not each build their own copy.
    rebuild: tokio::sync::Mutex<()>,
}

impl MapCache {
    /// A cache that checks the database at most once per `interval` (zero: on every request).
    pub fn new(interval: Duration) -> MapCache {
        MapCache {
            index: RwLock::new(None),
            interval,
            rebuild: tokio::sync::Mutex::new(()),
        }
    }

    /// The index's stamp when the database was asked within the check interval, without asking
    /// it again (see [`crate::cache::ContentCache::fresh_stamp`]).
    pub fn fresh_stamp(&self) -> Option<i64> {
        self.index
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .as_ref()
            .filter(|(_, at)| at.elapsed() < self.interval)
            .map(|(i, _)| i.stamp)
    }

    /// The current index, rebuilt when an import or a voorziening changed the data.
    pub async fn get(&self, db: &Db, tenant_id: i64) -> StoreResult<Arc<MapIndex>> {
        let cached = self
            .index
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .as_ref()
            .map(|(i, at)| (Arc::clone(i), *at));
        if let Some((index, at)) = &cached
            && at.elapsed() < self.interval
        {
            return Ok(Arc::clone(index));
        }
        let stamp = locations::map_stamp(db).await?;
        if let Some((index, _)) = cached
            && index.stamp == stamp
        {
            *self
                .index
                .write()
                .unwrap_or_else(std::sync::PoisonError::into_inner) =
                Some((Arc::clone(&index), Instant::now()));
            return Ok(index);
        }
        let _building = self.rebuild.lock().await;
        if let Some((index, _)) = self
            .index
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .as_ref()
            && index.stamp == stamp
        {
            return Ok(Arc::clone(index));
        }
        let rows = locations::all_locations(db).await?;
        let pc4 = locations::pc4_centroids(db)
            .await?
            .into_iter()
            .filter_map(|(pc4, lat, lon)| Point::in_netherlands(lat, lon).map(|p| (pc4, p)))
            .collect();
        let data_date = locations::last_import_on(db).await?;
        let pupil_types: HashMap<String, SchoolType> = locations::pupil_file_types(db)
            .await?
            .into_iter()
            .filter_map(|(code, t)| SchoolType::from_code(&t).map(|t| (code, t)))
            .collect();
        let mut profiles: HashMap<i64, Profile> = locations::profiles(db, tenant_id)
            .await?
            .into_iter()
            .map(|p| (p.location_id, p))
            .collect();
        let mut former: HashMap<i64, Vec<String>> = HashMap::new();
        for (id, name) in locations::former_names(db).await? {
            former.entry(id).or_default().push(name);
        }
        let mut entries: Vec<Entry> = rows
            .into_iter()
            .filter_map(|l| {
                let t = pupil_types.get(&l.code).copied();
                let profile = profiles.remove(&l.id);
                let was = former.remove(&l.id).unwrap_or_default();
                Entry::new(l, t, was).map(|e| match profile {
                    Some(p) => e.with_profile(p),
                    None => e,
                })
            })
            .collect();
        let hosted: Vec<Entry> = locations::voorzieningen(db, tenant_id)
            .await?
            .into_iter()
            .filter_map(|v| {
                entries
                    .iter()
                    .find(|e| e.loc.id == v.location_id)
                    .map(|host| Entry::for_voorziening(host, v))
            })
            .collect();
        entries.extend(hosted);
        // A–Z as people read it: without regard to case or accents.
        entries.sort_by_cached_key(|e| (fold(e.name()), e.loc.code.clone()));
        let denominaties: BTreeSet<String> = entries
            .iter()
            .filter(|e| e.is_open())
            .map(|e| e.loc.denominatie.clone())
            .filter(|d| !d.is_empty())
            .collect();
        let index = Arc::new(MapIndex {
            stamp,
            entries,
            pc4,
            denominaties: denominaties.into_iter().collect(),
            data_date,
            responses: ResponseCache::new(MAX_RESPONSE_BYTES),
        });
        *self
            .index
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner) =
            Some((Arc::clone(&index), Instant::now()));
        Ok(index)
    }
}
