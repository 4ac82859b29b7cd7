//! The HTTP server loop: connections bounded in number and in time, and a shutdown with a
//! deadline.
//!
//! - **Headers** must arrive within `header_timeout` (default 10 s) of a connection's start or of
//!   its going idle between requests, so a client that sends half a header, or an idle
//!   keep-alive connection, is closed (hyper's header-read timer runs for both).
//! - **At most `max_connections`** (default 512) connections are served at once, below the usual
//!   limit of 1,024 open files; further clients wait in the listen queue until one closes. One
//!   address gets at most `max_per_address` (default 128; off behind a reverse proxy, where every
//!   connection comes from the proxy): a single client cannot take every place.
//! - **Writing** must make progress: a client that stops reading its response for
//!   `write_stall` (default 30 s) is disconnected, so an unread response never holds a place.
//! - **A connection lives** at most `max_connection_age` (default 1 hour): then it finishes the
//!   request in flight and closes, and the client opens a new one; a response still being read
//!   after the longest a request may take ([`longest_request`], about 45 minutes) is dropped.
//! - **Handlers** get 30 seconds ([`request_deadline`]); a file upload instead must keep up a
//!   minimum rate (default 8 KiB/s, so a 20 MiB upload over a slow mobile line still arrives) and
//!   may not stall for more than 30 seconds ([`MinRateBody`]).
//! - **Shutdown** stops accepting, lets requests in flight finish and closes idle connections;
//!   whatever is still open after `shutdown_deadline` (default 15 s) is dropped.

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{ConnectInfo, MatchedPath, Request};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use hyper_util::rt::{TokioIo, TokioTimer};
use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;
use tokio::time::{Instant, Sleep};

/// Limits on connections and requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HttpLimits {
    /// Time to send a request's headers, from the connection's start or its going idle.
    pub header_timeout: Duration,
    /// Connections served at once.
    pub max_connections: usize,
    /// How long a shutdown waits for connections before dropping them.
    pub shutdown_deadline: Duration,
    /// The slowest average rate an upload may have, in bytes per second.
    pub upload_min_rate: u64,
    /// The longest an upload may send nothing.
    pub upload_stall: Duration,
    /// The time a handler gets (not counting a slow upload's body).
    pub request_timeout: Duration,
    /// Connections from one address at once; 0: no limit (behind a reverse proxy).
    pub max_per_address: usize,
    /// The longest a response may wait for the client to read on.
    pub write_stall: Duration,
    /// How long one connection may be kept open.
    pub max_connection_age: Duration,
    /// Uploads whose bodies are read at once (each is held in memory); more wait their turn.
    pub uploads_at_once: usize,
    /// How long an upload waits for its turn before it is turned away ("te druk", 503).
    pub upload_wait: Duration,
}

impl Default for HttpLimits {
    fn default() -> Self {
        HttpLimits {
            header_timeout: Duration::from_secs(10),
            max_connections: 512,
            shutdown_deadline: Duration::from_secs(15),
            upload_min_rate: 8 * 1024,
            upload_stall: Duration::from_secs(30),
            request_timeout: Duration::from_secs(30),
            max_per_address: 128,
            write_stall: Duration::from_secs(30),
            max_connection_age: Duration::from_secs(3600),
            uploads_at_once: 8,
            upload_wait: Duration::from_secs(30),
        }
    }
}

/// Serves `app` on `listener` until `shutdown` completes, then stops within the deadline.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    limits: HttpLimits,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let permits = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    let per_address = Arc::new(PerAddress::default());
    // Every connection watches this: `true` asks it to finish its request and close.
    let (closing, closing_rx) = tokio::sync::watch::channel(false);
    let mut connections = JoinSet::new();
    tokio::pin!(shutdown);
    loop {
        // Wait for a free place before accepting: beyond the cap, clients wait in the queue.
        let permit = tokio::select! {
            () = &mut shutdown => break,
            p = permits.clone().acquire_owned() => match p {
                Ok(p) => p,
                Err(_) => break,
            },
        };
        let (stream, remote) = tokio::select! {
            () = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                Err(e) => {
                    // Out of file descriptors and the like: wait a little, do not spin.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
        };
        // One address may not take every place: beyond its share the connection is closed at
        // once (the place is free again for others).
        let Some(address_slot) = per_address.take(client_of(remote.ip()), limits.max_per_address)
        else {
            tracing::debug!("connection refused: too many from one address");
            drop(stream);
            continue;
        };
        let _ = stream.set_nodelay(true);
        let app = app.clone();
        let service = hyper::service::service_fn(
            move |mut request: hyper::Request<hyper::body::Incoming>| {
                request.extensions_mut().insert(ConnectInfo(remote));
                let mut app = app.clone();
                async move {
                    let request = request.map(Body::new);
                    tower::Service::call(&mut app, request).await
                }
            },
        );
        let io = TokioIo::new(WriteStall::new(stream, limits.write_stall));
        let mut closing_rx = closing_rx.clone();
        connections.spawn(async move {
            let connection = hyper::server::conn::http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(limits.header_timeout)
                .keep_alive(true)
                .serve_connection(io, service);
            tokio::pin!(connection);
            let age = tokio::time::sleep(limits.max_connection_age);
            tokio::pin!(age);
            let mut asked_to_close = false;
            loop {
                tokio::select! {
                    ended = connection.as_mut() => {
                        if let Err(e) = ended {
                            tracing::debug!(error = %e, "connection ended with an error");
                        }
                        break;
                    }
                    // Old enough, or the server stops: finish the request in flight, then
                    // close. A response read so slowly that it outlasts the longest request
                    // there can be is dropped then.
                    () = &mut age => {
                        if asked_to_close {
                            tracing::debug!("connection dropped: its last response took too long");
                            break;
                        }
                        connection.as_mut().graceful_shutdown();
                        asked_to_close = true;
                        age.as_mut().reset(Instant::now() + longest_request(&limits));
                    }
                    changed = closing_rx.changed(), if !asked_to_close => {
                        if changed.is_err() || *closing_rx.borrow() {
                            connection.as_mut().graceful_shutdown();
                            asked_to_close = true;
                        }
                    }
                }
            }
            drop(address_slot);
            drop(permit);
        });
        // Reap finished connection tasks so the set does not grow.
        while connections.try_join_next().is_some() {}
    }
    drop(listener);
    tracing::info!(
        open = connections.len(),
        "stopped accepting; finishing requests in flight"
    );
    let _ = closing.send(true);
    let drained = tokio::time::timeout(limits.shutdown_deadline, async {
        while connections.join_next().await.is_some() {}
    })
    .await;
    if drained.is_err() {
        tracing::warn!(
            open = connections.len(),
            deadline_s = limits.shutdown_deadline.as_secs(),
            "connections still open at the shutdown deadline: dropped"
        );
    }
    connections.abort_all();
    while connections.join_next().await.is_some() {}
    Ok(())
}

/// Whom a connection counts against: the IPv4 address, or the /64 network of an IPv6 address
/// (one household or office gets a /64 and can use any address in it).
fn client_of(ip: std::net::IpAddr) -> std::net::IpAddr {
    match ip {
        std::net::IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => std::net::IpAddr::V4(v4),
            None => {
                let s = v6.segments();
                std::net::IpAddr::V6(std::net::Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0))
            }
        },
        v4 => v4,
    }
}

/// Connections open per client address.
#[derive(Default)]
struct PerAddress(std::sync::Mutex<std::collections::HashMap<std::net::IpAddr, usize>>);

/// One place of an address, given back when dropped.
struct AddressSlot {
    of: Arc<PerAddress>,
    ip: std::net::IpAddr,
}

impl PerAddress {
    /// A place for `ip` if it has fewer than `cap` (0: no limit), counted before it is checked.
    fn take(self: &Arc<Self>, ip: std::net::IpAddr, cap: usize) -> Option<Option<AddressSlot>> {
        if cap == 0 {
            return Some(None);
        }
        let mut open = self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let n = open.entry(ip).or_insert(0);
        if *n >= cap {
            return None;
        }
        *n += 1;
        Some(Some(AddressSlot {
            of: self.clone(),
            ip,
        }))
    }
}

impl Drop for AddressSlot {
    fn drop(&mut self) {
        let mut open = self
            .of
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(n) = open.get_mut(&self.ip) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                open.remove(&self.ip);
            }
        }
    }
}

/// A connection whose writes must make progress: a write (or flush) that cannot go on for
/// `stall` fails with `TimedOut`, and hyper closes the connection. Reads are bounded elsewhere
/// (the header timeout, the handler's deadline, an upload's minimum rate).
struct WriteStall<S> {
    inner: S,
    stall: Duration,
    timer: Option<Pin<Box<Sleep>>>,
}

impl<S> WriteStall<S> {
    fn new(inner: S, stall: Duration) -> Self {
        WriteStall {
            inner,
            stall,
            timer: None,
        }
    }

    /// After the inner write said Pending: arm the timer once, and fail when it has run out.
    fn pending<T>(&mut self, cx: &mut Context<'_>) -> Poll<std::io::Result<T>> {
        let stall = self.stall;
        let timer = self
            .timer
            .get_or_insert_with(|| Box::pin(tokio::time::sleep(stall)));
        match timer.as_mut().poll(cx) {
            Poll::Ready(()) => Poll::Ready(Err(std::io::Error::new(
                std::io::ErrorKind::TimedOut,
                "the client stopped reading",
            ))),
            Poll::Pending => Poll::Pending,
        }
    }

    fn progress<T>(
        &mut self,
        r: Poll<std::io::Result<T>>,
        cx: &mut Context<'_>,
    ) -> Poll<std::io::Result<T>> {
        match r {
            Poll::Pending => self.pending(cx),
            ready => {
                self.timer = None;
                ready
            }
        }
    }
}

impl<S: tokio::io::AsyncRead + Unpin> tokio::io::AsyncRead for WriteStall<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut tokio::io::ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl<S: tokio::io::AsyncWrite + Unpin> tokio::io::AsyncWrite for WriteStall<S> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        let r = Pin::new(&mut self.inner).poll_write(cx, buf);
        self.progress(r, cx)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[std::io::IoSlice<'_>],
    ) -> Poll<std::io::Result<usize>> {
        let r = Pin::new(&mut self.inner).poll_write_vectored(cx, bufs);
        self.progress(r, cx)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        let r = Pin::new(&mut self.inner).poll_flush(cx);
        self.progress(r, cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        let r = Pin::new(&mut self.inner).poll_shutdown(cx);
        self.progress(r, cx)
    }
}

/// The longest a request may take: the wait for an upload's place, the largest upload at the
/// minimum rate with one stall, and the handler's own time.
pub fn longest_request(limits: &HttpLimits) -> Duration {
    let body = Duration::from_secs(
        u64::try_from(crate::auth::MAX_UPLOAD_BYTES).unwrap_or(u64::MAX)
            / limits.upload_min_rate.max(1),
    );
    limits.upload_wait + limits.request_timeout + limits.upload_stall + body
}

/// Gives every handler `request_timeout`; an upload's body is instead held to a minimum rate
/// ([`MinRateBody`]) and the handler gets `request_timeout` on top of the time the largest
/// upload may take at that rate.
pub async fn request_deadline(
    axum::extract::State(limits): axum::extract::State<HttpLimits>,
    request: Request,
    next: Next,
) -> Response {
    let upload = request
        .extensions()
        .get::<MatchedPath>()
        .is_some_and(|m| crate::auth::UPLOAD_ROUTES.contains(&m.as_str()))
        && crate::auth::multipart_boundary(request.headers()).is_some();
    let (request, deadline) = if upload {
        let (parts, body) = request.into_parts();
        let body = Body::new(MinRateBody::new(
            body,
            limits.upload_min_rate,
            limits.upload_stall,
        ));
        (Request::from_parts(parts, body), longest_request(&limits))
    } else {
        (request, limits.request_timeout)
    };
    match tokio::time::timeout(deadline, next.run(request)).await {
        Ok(response) => response,
        Err(_) => StatusCode::REQUEST_TIMEOUT.into_response(),
    }
}

/// A request body that fails when the client stalls for longer than `stall`, or when, after the
/// first `stall`, its average rate falls below `min_rate` bytes per second. Slow is fine; almost
/// nothing is not. The clock starts when the body is first read (an upload may first wait for
/// its turn).
pub struct MinRateBody {
    inner: Body,
    min_rate: u64,
    stall: Duration,
    started: Option<Instant>,
    received: u64,
    timer: Pin<Box<Sleep>>,
}

impl MinRateBody {
    /// Wraps a body.
    pub fn new(inner: Body, min_rate: u64, stall: Duration) -> MinRateBody {
        MinRateBody {
            inner,
            min_rate,
            stall,
            started: None,
            received: 0,
            timer: Box::pin(tokio::time::sleep(stall)),
        }
    }

    fn too_slow(&self) -> bool {
        let Some(started) = self.started else {
            return false;
        };
        let elapsed = started.elapsed();
        elapsed > self.stall
            && u128::from(self.received) * 1000
                < u128::from(self.min_rate) * (elapsed - self.stall).as_millis()
    }
}

/// Why an upload was cut off.
#[derive(Debug, thiserror::Error)]
#[error("de verbinding is te traag of staat stil: het bestand kwam niet binnen")]
pub struct TooSlow;

impl http_body::Body for MinRateBody {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Bytes>, axum::Error>>> {
        let this = &mut *self;
        if this.started.is_none() {
            let now = Instant::now();
            this.started = Some(now);
            this.timer.as_mut().reset(now + this.stall);
        }
        match Pin::new(&mut this.inner).poll_frame(cx) {
            Poll::Ready(Some(Ok(frame))) => {
                if let Some(data) = frame.data_ref() {
                    this.received += u64::try_from(data.len()).unwrap_or(u64::MAX);
                    let next = Instant::now() + this.stall;
                    this.timer.as_mut().reset(next);
                }
                if this.too_slow() {
                    return Poll::Ready(Some(Err(axum::Error::new(TooSlow))));
                }
                Poll::Ready(Some(Ok(frame)))
            }
            Poll::Pending => match this.timer.as_mut().poll(cx) {
                Poll::Ready(()) => Poll::Ready(Some(Err(axum::Error::new(TooSlow)))),
                Poll::Pending => Poll::Pending,
            },
            other => other,
        }
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> http_body::SizeHint {
        self.inner.size_hint()
    }
}

/// The address a connection came from, as handlers see it.
pub fn remote(request: &Request) -> Option<SocketAddr> {
    request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use http_body_util_free::collect;

    /// Collects a body without an extra crate.
    mod http_body_util_free {
        use super::*;
        pub async fn collect(mut b: MinRateBody) -> Result<usize, axum::Error> {
            let mut n = 0;
            loop {
                let frame =
                    std::future::poll_fn(|cx| http_body::Body::poll_frame(Pin::new(&mut b), cx))
                        .await;
                match frame {
                    None => return Ok(n),
                    Some(Ok(f)) => n += f.data_ref().map_or(0, |d| d.len()),
                    Some(Err(e)) => return Err(e),
                }
            }
        }
    }

    #[tokio::test]
    async fn a_stalled_upload_is_cut_off_and_a_whole_one_arrives() {
        let stall = Duration::from_millis(300);
        let body = MinRateBody::new(Body::from("hallo"), 1024, stall);
        assert_eq!(collect(body).await.ok(), Some(5));
        // A body that sends a little, then nothing: cut off after the stall time.
        let (tx, rx) = tokio::sync::mpsc::channel::<Result<Bytes, std::io::Error>>(4);
        let stream = futures_free::Receiver(rx);
        let body = MinRateBody::new(Body::from_stream(stream), 1024, stall);
        let _ = tx.send(Ok(Bytes::from_static(b"begin"))).await;
        let started = Instant::now();
        assert!(collect(body).await.is_err());
        assert!(started.elapsed() >= stall);
        drop(tx);
        // Below the minimum average rate after the first stall period: cut off too.
        let (tx, rx) = tokio::sync::mpsc::channel::<Result<Bytes, std::io::Error>>(4);
        let body = MinRateBody::new(
            Body::from_stream(futures_free::Receiver(rx)),
            1_000_000,
            stall,
        );
        let sender = tokio::spawn(async move {
            for _ in 0..20 {
                tokio::time::sleep(Duration::from_millis(100)).await;
                if tx.send(Ok(Bytes::from_static(b"x"))).await.is_err() {
                    break;
                }
            }
        });
        assert!(collect(body).await.is_err());
        sender.abort();
    }

    #[test]
    fn an_ipv6_client_counts_by_its_network() {
        let a: std::net::IpAddr = "2001:db8:1:2:aaaa::1"
            .parse()
            .unwrap_or(std::net::IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED));
        let b: std::net::IpAddr = "2001:db8:1:2:bbbb::9"
            .parse()
            .unwrap_or(std::net::IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED));
        let other: std::net::IpAddr = "2001:db8:1:3::1"
            .parse()
            .unwrap_or(std::net::IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED));
        assert_eq!(client_of(a), client_of(b));
        assert_ne!(client_of(a), client_of(other));
        let mapped: std::net::IpAddr = "::ffff:192.0.2.7"
            .parse()
            .unwrap_or(std::net::IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED));
        assert_eq!(
            client_of(mapped),
            std::net::IpAddr::V4(std::net::Ipv4Addr::new(192, 0, 2, 7))
        );
    }

    #[tokio::test]
    async fn a_client_that_stops_reading_is_cut_off() {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let (server, mut client) = tokio::io::duplex(64);
        let mut guarded = WriteStall::new(server, Duration::from_millis(200));
        // Writes that make progress are fine, however slowly the client reads.
        guarded.write_all(&[1u8; 48]).await.ok();
        let mut buf = [0u8; 48];
        client.read_exact(&mut buf).await.ok();
        // Then the client stops reading: the write fails after the stall time.
        let started = Instant::now();
        let stalled = tokio::time::timeout(Duration::from_secs(5), guarded.write_all(&[2u8; 4096]))
            .await
            .expect("the stalled write must end, not hang");
        let e = stalled.expect_err("a write to a client that reads nothing must fail");
        assert_eq!(e.kind(), std::io::ErrorKind::TimedOut);
        assert!(started.elapsed() >= Duration::from_millis(200));
        drop(client);
    }

    /// A stream over a channel receiver, without an extra crate.
    mod futures_free {
        use super::*;
        pub struct Receiver(pub tokio::sync::mpsc::Receiver<Result<Bytes, std::io::Error>>);
        impl futures_core::Stream for Receiver {
            type Item = Result<Bytes, std::io::Error>;
            fn poll_next(
                mut self: Pin<&mut Self>,
                cx: &mut Context<'_>,
            ) -> Poll<Option<Self::Item>> {
                self.0.poll_recv(cx)
            }
        }
    }
}
