//! Every integration test, in one binary: one link step instead of ten.
//! Each module drives the real binary (and real servers on 127.0.0.1:0)
//! for one part of what users see; `support` is what they share.

mod support;

mod check;
mod cli;
mod faults;
mod fuzz;
mod generated;
mod http;
mod instances;
mod readme;
mod reliability;
mod socket;
mod transfer;
