//! Who a request comes from, and how fast each caller may go.
//!
//! A request without a valid token is limited per client address, strictly:
//! that is where password guessing and scraping come from. A request with a
//! valid token is limited per token holder (the user it names), with a limit
//! a busy backend service does not reach, so that services behind one
//! address, or one proxy, do not share a bucket. The client address is the
//! socket peer; `X-Forwarded-For` is believed only when that peer is a proxy
//! the operator named with `--trusted-proxy`.

use std::net::{IpAddr, SocketAddr};
use std::num::NonZeroU32;
use std::sync::Arc;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::HeaderMap;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use uuid::Uuid;

use crate::error::Error;
use crate::service::Service;

pub use crate::net::{Network, canonical};

/// The client a request comes from, as far as the server can tell.
#[derive(Debug, Clone, Copy)]
pub struct ClientAddr(pub IpAddr);

/// The client's address: the socket peer, or, when the peer is a trusted
/// proxy, the last address in `X-Forwarded-For` that is not one (proxies
/// append, so what lies left of an untrusted hop could be forged).
fn client_addr(peer: IpAddr, headers: &HeaderMap, trusted: &[Network]) -> IpAddr {
    let peer = canonical(peer);
    let is_trusted = |ip: IpAddr| trusted.iter().any(|n| n.contains(ip));
    if !is_trusted(peer) {
        return peer;
    }
    let hops: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .collect();
    let mut client = peer;
    for hop in hops.iter().rev() {
        // A hop that is not an address ends what can be believed.
        let Ok(ip) = hop.parse::<IpAddr>().map(canonical) else {
            break;
        };
        client = ip;
        if !is_trusted(ip) {
            break;
        }
    }
    client
}

/// Puts the `ClientAddr` into every request, for the log and the limits.
pub async fn identify_client(
    State(trusted): State<Arc<Vec<Network>>>,
    mut req: Request,
    next: Next,
) -> Response {
    if let Some(peer) = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip())
    {
        let client = client_addr(peer, req.headers(), &trusted);
        req.extensions_mut().insert(ClientAddr(client));
    }
    next.run(req).await
}

/// The limits `serve` applies (0 switches one off).
pub struct Limits {
    anonymous: Option<DefaultKeyedRateLimiter<IpAddr>>,
    holders: Option<DefaultKeyedRateLimiter<Uuid>>,
    service: Arc<Service>,
}

impl Limits {
    /// `anonymous` requests a second per client address and `per_holder` a
    /// second per token holder, each with a burst as large.
    pub fn new(service: Arc<Service>, anonymous: u32, per_holder: u32) -> Option<Arc<Limits>> {
        let limiter = |n: u32| NonZeroU32::new(n).map(|n| Quota::per_second(n).allow_burst(n));
        let anonymous = limiter(anonymous).map(RateLimiter::keyed);
        let holders = limiter(per_holder).map(RateLimiter::keyed);
        (anonymous.is_some() || holders.is_some()).then(|| {
            Arc::new(Limits {
                anonymous,
                holders,
                service,
            })
        })
    }

    /// Forgets callers that have been quiet, so memory stays bounded.
    pub fn sweep(&self) {
        if let Some(l) = &self.anonymous {
            l.retain_recent();
        }
        if let Some(l) = &self.holders {
            l.retain_recent();
        }
    }

    /// The holder of the request's token, if it carries one whose signature
    /// and expiry check out. Whether it is revoked, or its user still
    /// allowed, is the handler's to say: a token nobody could forge is
    /// enough to be counted as its holder.
    fn holder(&self, headers: &HeaderMap) -> Option<Uuid> {
        let token = super::body::presented_token(headers).ok().flatten()?;
        // An API key is counted as itself, by its id (a part of the key no
        // one but its holder knows).
        if crate::domain::PresentedKey::is_key(&token) {
            return crate::domain::PresentedKey::parse(&token).map(|k| k.id);
        }
        let keys = self.service.keys().ok()?;
        keys.verify(&token).ok().map(|claims| claims.sub)
    }
}

/// 429 with `Retry-After` once a caller is over its rate.
pub async fn rate_limit(State(limits): State<Arc<Limits>>, req: Request, next: Next) -> Response {
    let holder = limits
        .holders
        .as_ref()
        .and_then(|l| Some((l, limits.holder(req.headers())?)));
    let checked = match holder {
        Some((limiter, holder)) => limiter
            .check_key(&holder)
            .map_err(|t| (t, "too many requests for this token's holder; slow down")),
        None => {
            let client = req.extensions().get::<ClientAddr>().map(|c| c.0);
            match (&limits.anonymous, client) {
                (Some(limiter), Some(ip)) => limiter
                    .check_key(&ip)
                    .map_err(|t| (t, "too many requests from this address; slow down")),
                _ => Ok(()),
            }
        }
    };
    match checked {
        Ok(()) => next.run(req).await,
        Err((not_until, message)) => {
            let wait = not_until.wait_time_from(DefaultClock::default().now());
            Error::RateLimited {
                message: message.to_owned(),
                retry_after: wait.as_secs().max(1),
            }
            .into_response()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn forwarded(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert("x-forwarded-for", value.parse().unwrap());
        headers
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn forwarded_for_is_believed_only_from_trusted_proxies() {
        let trusted: Vec<Network> = vec!["10.0.0.0/8".parse().unwrap()];
        let headers = forwarded("203.0.113.7");
        // From a stranger, the header is ignored.
        assert_eq!(
            client_addr(ip("198.51.100.1"), &headers, &trusted),
            ip("198.51.100.1")
        );
        // From a trusted proxy, the hop before it is the client.
        assert_eq!(
            client_addr(ip("10.0.0.5"), &headers, &trusted),
            ip("203.0.113.7")
        );
        // A client cannot slip an address in front: the last untrusted hop counts.
        let chain = forwarded("192.0.2.66, 203.0.113.7, 10.0.0.9");
        assert_eq!(
            client_addr(ip("10.0.0.5"), &chain, &trusted),
            ip("203.0.113.7")
        );
        // Garbage ends the chain at the last believable hop.
        let junk = forwarded("203.0.113.7, not-an-ip");
        assert_eq!(client_addr(ip("10.0.0.5"), &junk, &trusted), ip("10.0.0.5"));
        // No header: the proxy itself.
        assert_eq!(
            client_addr(ip("10.0.0.5"), &HeaderMap::new(), &trusted),
            ip("10.0.0.5")
        );
        // Nothing trusted: always the peer.
        assert_eq!(client_addr(ip("10.0.0.5"), &headers, &[]), ip("10.0.0.5"));
    }
}
