//! After the request: the experts' advices, the toeleiding's intake queue, the TLV register with
//! its expiry list and CSV export, bezwaar with the LBT clock, and the data a receiving school
//! needs for DUO.

mod advices;
mod queue;
mod receiving;
mod register;

pub(crate) use advices::*;
pub(crate) use queue::*;
pub(crate) use receiving::*;
pub(crate) use register::*;

use crate::app::Routes;

/// The routes of this area.
pub(crate) fn router() -> Routes {
    Routes::new()
        .get("/adviezen", advices)
        .get("/adviezen/{id}", advice_form)
        .post("/adviezen/{id}", give_advice)
        .post("/adviezen/{id}/teruggeven", return_advice)
        .get("/swv/aanvragen", queue)
        .get("/swv/tlv", register)
        .get("/swv/tlv.csv", register_csv)
        .get("/school/tlv", school_tlvs)
        .get("/school/tlv.csv", school_tlvs_csv)
}
