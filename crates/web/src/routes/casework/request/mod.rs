//! A support request: made, shown, worked on by the school and toeleiding, decided.

mod decision;
mod meetings;
mod new;
mod page;
mod school;
mod toeleiding;

pub(crate) use decision::*;
pub(crate) use meetings::*;
pub(crate) use new::*;
pub(crate) use page::*;
pub(crate) use school::*;
pub(crate) use toeleiding::*;
