//! A real SMTP sink on loopback: speaks enough SMTP for a client to deliver, keeps every message,
//! and can refuse the first deliveries with a temporary failure (to test retries).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

/// One delivered message.
#[derive(Clone, Debug)]
pub struct Mail {
    /// `RCPT TO` addresses.
    pub to: Vec<String>,
    /// Headers and body as sent.
    pub data: String,
}

/// The running sink.
pub struct SmtpSink {
    /// Its port on 127.0.0.1.
    pub port: u16,
    mail: Arc<Mutex<Vec<Mail>>>,
}

impl SmtpSink {
    /// Starts the sink; the first `refuse` deliveries get `451` (try again later).
    pub async fn start(refuse: usize) -> SmtpSink {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap_or_else(|e| panic!("bind smtp sink: {e}"));
        let port = listener.local_addr().map(|a| a.port()).unwrap_or_default();
        let mail = Arc::new(Mutex::new(Vec::new()));
        let refuse = Arc::new(AtomicUsize::new(refuse));
        let store = mail.clone();
        tokio::spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                let (store, refuse) = (store.clone(), refuse.clone());
                tokio::spawn(async move {
                    let (read, mut write) = socket.into_split();
                    let mut lines = BufReader::new(read).lines();
                    let _ = write.write_all(b"220 sink.test ESMTP\r\n").await;
                    let mut to = Vec::new();
                    while let Ok(Some(line)) = lines.next_line().await {
                        let verb = line.get(..4).unwrap_or_default().to_ascii_uppercase();
                        let reply: &[u8] = match verb.as_str() {
                            "EHLO" | "HELO" => b"250 sink.test\r\n",
                            "MAIL" => {
                                let left = refuse.load(Ordering::SeqCst);
                                if left > 0 {
                                    refuse.store(left - 1, Ordering::SeqCst);
                                    b"451 4.3.0 Try again later\r\n"
                                } else {
                                    to.clear();
                                    b"250 OK\r\n"
                                }
                            }
                            "RCPT" => {
                                to.push(line[8..].trim().trim_matches(|c| c == '<' || c == '>').to_string());
                                b"250 OK\r\n"
                            }
                            "DATA" => {
                                let _ = write.write_all(b"354 End data with <CR><LF>.<CR><LF>\r\n").await;
                                let mut data = String::new();
                                while let Ok(Some(l)) = lines.next_line().await {
                                    if l == "." {
                                        break;
                                    }
                                    data.push_str(&l);
                                    data.push('\n');
                                }
                                if let Ok(mut m) = store.lock() {
                                    m.push(Mail { to: to.clone(), data });
                                }
                                b"250 OK queued\r\n"
                            }
                            "QUIT" => {
                                let _ = write.write_all(b"221 Bye\r\n").await;
                                break;
                            }
                            _ => b"250 OK\r\n",
                        };
                        if write.write_all(reply).await.is_err() {
                            break;
                        }
                    }
                });
            }
        });
        SmtpSink { port, mail }
    }

    /// `smtp://127.0.0.1:PORT`
    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// Every message delivered so far.
    pub fn mail(&self) -> Vec<Mail> {
        self.mail.lock().map(|m| m.clone()).unwrap_or_default()
    }

    /// Waits up to `secs` seconds for at least `n` messages.
    pub async fn wait_for(&self, n: usize, secs: u64) -> Vec<Mail> {
        for _ in 0..secs * 10 {
            if self.mail().len() >= n {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        self.mail()
    }
}
