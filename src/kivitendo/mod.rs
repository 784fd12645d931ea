//! kivitendo REST API (the Rails application `kivitendo_rest_api` beside the kivitendo ERP).

pub mod xml;
