//! The e-mail outbox and worker against a real SMTP server on loopback (a small sink in this
//! file), including the server being down for a while: nothing is lost, at most one duplicate.

use crate::support::*;
use passend::mail::Mailer;
use passend_store::outbox::{self, NewMail};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

/// A minimal SMTP server that keeps every message it accepts.
struct Sink {
    messages: Arc<Mutex<Vec<String>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Sink {
    async fn start(listener: TcpListener) -> Sink {
        let messages = Arc::new(Mutex::new(Vec::new()));
        let store = Arc::clone(&messages);
        let task = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let store = Arc::clone(&store);
                tokio::spawn(async move {
                    let (read, mut write) = stream.into_split();
                    let mut lines = BufReader::new(read).lines();
                    let _ = write.write_all(b"220 sink ESMTP\r\n").await;
                    while let Ok(Some(line)) = lines.next_line().await {
                        let verb = line
                            .split_whitespace()
                            .next()
                            .unwrap_or_default()
                            .to_ascii_uppercase();
                        let reply: &[u8] = match verb.as_str() {
                            "EHLO" | "HELO" => b"250 sink\r\n",
                            "DATA" => {
                                let _ = write.write_all(b"354 go on\r\n").await;
                                let mut message = String::new();
                                while let Ok(Some(l)) = lines.next_line().await {
                                    if l == "." {
                                        break;
                                    }
                                    message.push_str(&l);
                                    message.push('\n');
                                }
                                store.lock().unwrap().push(message);
                                b"250 queued\r\n"
                            }
                            "QUIT" => {
                                let _ = write.write_all(b"221 bye\r\n").await;
                                break;
                            }
                            _ => b"250 ok\r\n",
                        };
                        if write.write_all(reply).await.is_err() {
                            break;
                        }
                    }
                });
            }
        });
        Sink { messages, task }
    }

    fn message_ids(&self) -> Vec<String> {
        self.messages
            .lock()
            .unwrap()
            .iter()
            .filter_map(|m| {
                m.lines()
                    .find(|l| l.to_ascii_lowercase().starts_with("message-id:"))
                    .map(|l| l[11..].trim().to_owned())
            })
            .collect()
    }
}

fn mail<'a>(key: &'a str, to: &'a str) -> NewMail<'a> {
    NewMail {
        tenant_id: None,
        idempotency_key: key,
        to_address: to,
        subject: "Er is een nieuwe stap",
        body_text: "Er is een nieuwe stap in de aanvraag voor uw kind. Log in om die te bekijken: https://passend.test/inloggen",
        attachment: None,
        combine: None,
    }
}

#[tokio::test]
async fn mails_wait_while_the_server_is_down_and_go_once_it_is_back() {
    // The database alone: a running server would send with its own worker.
    let test_db = TestDb::new().await;
    let base_config = config_for(&test_db);
    let db = passend::open_database(&base_config).await.unwrap();
    // A port with nothing listening: the SMTP server is down.
    let probe = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = probe.local_addr().unwrap().port();
    drop(probe);
    let mut config = base_config.clone();
    config.smtp_url = Some(passend::config::SecretUrl::new(format!(
        "smtp://127.0.0.1:{port}"
    )));
    let mut mailer = Mailer::from_config(db.clone(), &config).unwrap();
    mailer.backoff_base = Duration::ZERO;

    for key in ["a", "b", "c"] {
        outbox::enqueue(&db, &mail(key, "ouder@example.nl"))
            .await
            .unwrap();
    }
    outbox::enqueue(&db, &mail("a", "ouder@example.nl"))
        .await
        .unwrap();
    assert_eq!(
        outbox::counts(&db).await.unwrap(),
        (3, 0, 0, 0),
        "the same key is queued once"
    );

    assert_eq!(
        mailer.run_once().await.unwrap(),
        0,
        "nothing goes while the server is down"
    );
    assert_eq!(
        outbox::counts(&db).await.unwrap(),
        (3, 0, 0, 0),
        "nothing is lost either"
    );

    let sink = Sink::start(TcpListener::bind(("127.0.0.1", port)).await.unwrap()).await;
    assert_eq!(mailer.run_once().await.unwrap(), 3);
    assert_eq!(outbox::counts(&db).await.unwrap(), (0, 0, 3, 0));
    let mut ids = sink.message_ids();
    ids.sort();
    assert_eq!(
        ids,
        vec!["<a@passend.test>", "<b@passend.test>", "<c@passend.test>"]
    );
    let all = sink.messages.lock().unwrap().join("\n---\n");
    assert!(
        all.matches("Subject: Er is een nieuwe stap").count() == 3,
        "{all}"
    );
    assert!(
        all.contains("From: Passend <noreply@passend.test>"),
        "{all}"
    );

    // A worker that sent a mail and died before marking it: after the lease it goes again,
    // so the receiver sees one duplicate with the same Message-ID, never a loss.
    mailer.lease = Duration::ZERO;
    outbox::enqueue(&db, &mail("d", "school@example.nl"))
        .await
        .unwrap();
    let now = chrono::Utc::now();
    let claimed = outbox::claim(&db, now, now, chrono::Duration::zero(), None)
        .await
        .unwrap()
        .unwrap();
    mailer.send(&claimed).await.unwrap();
    tokio::time::sleep(Duration::from_millis(5)).await;
    assert_eq!(mailer.run_once().await.unwrap(), 1);
    let d = sink
        .message_ids()
        .into_iter()
        .filter(|id| id == "<d@passend.test>")
        .count();
    assert_eq!(d, 2, "at most one duplicate");

    // An address that can never work fails for good instead of retrying forever.
    outbox::enqueue(&db, &mail("e", "geen adres"))
        .await
        .unwrap();
    mailer.run_once().await.unwrap();
    assert_eq!(outbox::counts(&db).await.unwrap().3, 1);
    sink.task.abort();
    db.close().await;
}

#[tokio::test]
async fn without_smtp_mails_land_in_a_folder() {
    let test_db = TestDb::new().await;
    let config = config_for(&test_db);
    let db = passend::open_database(&config).await.unwrap();
    let mailer = Mailer::from_config(db.clone(), &config).unwrap();
    outbox::enqueue(&db, &mail("f", "ouder@example.nl"))
        .await
        .unwrap();
    assert_eq!(mailer.run_once().await.unwrap(), 1);
    let files: Vec<_> = std::fs::read_dir(&config.mail_dir).unwrap().collect();
    assert_eq!(files.len(), 1);
    let text = std::fs::read_to_string(files[0].as_ref().unwrap().path()).unwrap();
    assert!(text.contains("Message-ID: <f@passend.test>"), "{text}");
    let _ = std::fs::remove_dir_all(&config.mail_dir);
    db.close().await;
}
