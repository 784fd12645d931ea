//! The sources: where orders come from. OmniSeller and kvik.shop are asked by the scheduled
//! sync (`request()`); the shop platforms (WooCommerce, Shopware, Shopify) send webhooks.

pub mod kvik;
pub mod omniseller;
pub mod platforms;
