//! The `passend` command: `serve` (default), `migrate`, `import`, `gebruiker`, `profiel`,
//! `voorziening`, `audit`, `backup`, `restore`, `check`, `healthcheck`.

use anyhow::{Context, bail};
use clap::{Parser, Subcommand};
use passend::{Config, Server, open_database, telemetry};
use std::path::PathBuf;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Passend: het open platform voor samenwerkingsverbanden passend onderwijs.
#[derive(Debug, Parser)]
#[command(name = "passend", version, about)]
struct Cli {
    /// Configuration file (TOML); environment variables win over it.
    #[arg(long, global = true, env = "PASSEND_CONFIG")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Start the web server (default).
    Serve {
        /// Demo mode: demo accounts for every role (see the README). Never use with real data.
        #[arg(long)]
        demo: bool,
    },
    /// Accounts: invite (the first beheerder too), list, block.
    Gebruiker {
        #[command(subcommand)]
        what: GebruikerCmd,
    },
    /// Apply database migrations and exit.
    Migrate,
    /// Import data files.
    Import {
        #[command(subcommand)]
        what: ImportWhat,
    },
    /// The audit trail.
    Audit {
        #[command(subcommand)]
        what: AuditCmd,
    },
    /// Support profiles of school locations, set by the samenwerkingsverband.
    Profiel {
        #[command(subcommand)]
        what: ProfielCmd,
    },
    /// Stedelijke voorzieningen and arrangementen at school locations.
    Voorziening {
        #[command(subcommand)]
        what: VoorzieningCmd,
    },
    /// Write one archive (tar) with a consistent copy of the database and every document, while
    /// the server runs.
    Backup {
        /// The archive to write (it must not exist yet), e.g. backup-2026-12-07.tar.
        archive: PathBuf,
    },
    /// Restore an archive of `passend backup` into an empty database and documents folder.
    Restore {
        /// The archive.
        archive: PathBuf,
    },
    /// Check that every document and letter the database refers to is there with the right
    /// SHA-256, and list files nothing refers to; exit 1 when one is missing or damaged.
    Check,
    /// Ask a running server for /healthz; exit 0 when healthy (for container health checks).
    Healthcheck {
        /// Base URL of the server; defaults to http://PASSEND_ADDR.
        #[arg(long)]
        url: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
enum ImportWhat {
    /// DUO files exactly as DUO publishes them (bo and sbo/so/vso locations, pupil counts),
    /// and the geo files (EduGIS BAG points, PC4 centroids); the kind is read from the header.
    Duo {
        /// Keep only locations in this gemeente (the location's gemeente): its code, e.g. 0034,
        /// or its name, e.g. Almere. A gemeente that no row has is refused.
        #[arg(long)]
        gemeente: Option<String>,
        /// Refuse a release of locations that would close more than this share (percent) of the
        /// open locations it covers (always allowed: 2).
        #[arg(long = "max-sluiten", value_name = "PROCENT", default_value_t = 10, value_parser = clap::value_parser!(u8).range(0..=100))]
        max_close: u8,
        /// Apply a release however many locations it closes (also a file with only its header).
        #[arg(long = "sta-sluiten-toe")]
        allow_closing: bool,
        /// The files.
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
#[expect(
    clippy::large_enum_variant,
    reason = "parsed once from the command line"
)]
enum ProfielCmd {
    /// Set (or replace) the support profile of a location.
    Zet {
        /// Vestigingscode, e.g. 30EF03.
        #[arg(long)]
        locatie: String,
        /// Support themes, comma-separated.
        #[arg(long, value_delimiter = ',', required = true)]
        thema: Vec<String>,
        /// basis or extra.
        #[arg(long, default_value = "extra")]
        niveau: String,
        /// direct, tlv, plaatsingsoverleg or eigen-toelating.
        #[arg(long)]
        toelating: String,
        /// What the location offers, in plain Dutch.
        #[arg(long, default_value = "")]
        omschrijving: String,
        /// Number of places.
        #[arg(long)]
        plaatsen: Option<i64>,
        /// Children on the waiting list.
        #[arg(long)]
        wachtlijst: Option<i64>,
        /// How to reach the location about its support.
        #[arg(long, default_value = "")]
        contact: String,
        /// Where the information comes from (a URL).
        #[arg(long)]
        bron: Option<String>,
        /// Date the SWV checked it (YYYY-MM-DD).
        #[arg(long)]
        gecontroleerd: Option<chrono::NaiveDate>,
    },
    /// List the profiles.
    Lijst,
}

#[derive(Debug, Subcommand)]
enum AuditCmd {
    /// Check the whole hash chain; exit 1 and name the first changed, missing or moved event.
    Verify,
}

#[derive(Debug, Subcommand)]
enum GebruikerCmd {
    /// Invite someone: the invitation e-mail is queued and its link printed.
    Uitnodigen {
        /// E-mail address.
        #[arg(long)]
        email: String,
        /// Name.
        #[arg(long)]
        naam: String,
        /// ouder, schoolmedewerker, toeleider, deskundige, ouderadviseur or beheerder.
        #[arg(long)]
        rol: String,
        /// Vestigingscode of a school (school staff; repeat for more).
        #[arg(long)]
        school: Vec<String>,
    },
    /// List the accounts.
    Lijst,
    /// Block an account; its sessions end at once.
    Blokkeren {
        /// E-mail address.
        #[arg(long)]
        email: String,
    },
}

#[derive(Debug, Subcommand)]
enum VoorzieningCmd {
    /// Add a voorziening at a school location.
    Add {
        /// Vestigingscode of the location, e.g. 24FT00.
        #[arg(long)]
        locatie: String,
        /// Name, e.g. "Observatiegroep jonge kind".
        #[arg(long)]
        naam: String,
        /// stedelijke-voorziening or arrangement.
        #[arg(long)]
        soort: String,
        /// What it offers, in plain Dutch.
        #[arg(long, default_value = "")]
        omschrijving: String,
        /// Support themes, comma-separated (e.g. gedrag,autisme).
        #[arg(long, value_delimiter = ',')]
        thema: Vec<String>,
        /// direct, tlv or plaatsingsoverleg.
        #[arg(long, default_value = "tlv")]
        toelating: String,
        /// Number of places.
        #[arg(long)]
        plaatsen: Option<i64>,
        /// Children on the waiting list.
        #[arg(long)]
        wachtlijst: Option<i64>,
        /// How to reach it.
        #[arg(long, default_value = "")]
        contact: String,
        /// Date the SWV last checked this information (YYYY-MM-DD).
        #[arg(long)]
        gecontroleerd: Option<chrono::NaiveDate>,
    },
    /// List the voorzieningen.
    List,
    /// Remove a voorziening by its code (see list).
    Remove {
        /// The code shown by `list`.
        slug: String,
    },
}

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("passend: kan de runtime niet starten: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("passend: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    let mut config = Config::load(cli.config.as_deref())?;
    match cli.command.unwrap_or(Command::Serve { demo: false }) {
        Command::Serve { demo } => {
            config.demo |= demo;
            telemetry::init(config.log_format);
            tracing::info!(database = %config.database_url, addr = %config.addr, "starting Passend");
            let server = Server::start(&config).await?;
            println!("Passend draait op http://{}/", server.addr);
            server.run_until_signal().await
        }
        Command::Migrate => {
            telemetry::init(config.log_format);
            let db = open_database(&config).await?;
            db.close().await;
            println!("Migraties toegepast op {}", config.database_url);
            Ok(())
        }
        Command::Import {
            what:
                ImportWhat::Duo {
                    gemeente,
                    max_close,
                    allow_closing,
                    files,
                },
        } => {
            telemetry::init(config.log_format);
            let db = open_database(&config).await?;
            let limit = passend_domain::duo::CloseLimit {
                max_percent: max_close,
                allow_all: allow_closing,
            };
            let (mut report, ok) =
                passend::import::run_cli(&db, &files, gemeente.as_deref(), limit).await?;
            if let Some(url) = &config.pdok_url {
                let pdok = passend::pdok::Pdok::new(url)?;
                let (found, missed) = passend::pdok::geocode_missing(&db, &pdok).await?;
                report.push_str(&format!(
                    "PDOK Locatieserver: {found} locaties gevonden, {missed} niet gevonden (die houden het midden van hun postcodegebied)\n"
                ));
            }
            db.close().await;
            print!("{report}");
            if ok {
                Ok(())
            } else {
                bail!("niet alle bestanden zijn ingelezen")
            }
        }
        Command::Voorziening { what } => {
            let db = open_database(&config).await?;
            let tenant =
                passend_store::tenants::ensure(&db, &config.tenant_code, &config.tenant_name)
                    .await?;
            let result = match what {
                VoorzieningCmd::Add {
                    locatie,
                    naam,
                    soort,
                    omschrijving,
                    thema,
                    toelating,
                    plaatsen,
                    wachtlijst,
                    contact,
                    gecontroleerd,
                } => {
                    let args = passend::voorzieningen::AddArgs {
                        location: locatie,
                        name: naam,
                        kind: soort,
                        description: omschrijving,
                        themes: thema,
                        admission: toelating,
                        capacity: plaatsen,
                        waiting_list: wachtlijst,
                        contact,
                        verified: gecontroleerd,
                    };
                    passend::voorzieningen::add(&db, tenant.id, &args)
                        .await
                        .map(|slug| format!("Voorziening toegevoegd: {slug}\n"))
                }
                VoorzieningCmd::List => passend::voorzieningen::list(&db, tenant.id).await,
                VoorzieningCmd::Remove { slug } => {
                    match passend_store::locations::remove_voorziening(&db, tenant.id, &slug, None)
                        .await
                    {
                        Ok(true) => Ok(format!("Voorziening verwijderd: {slug}\n")),
                        Ok(false) => Err(anyhow::anyhow!(
                            "er is geen voorziening met de code '{slug}'"
                        )),
                        Err(e) => Err(e.into()),
                    }
                }
            };
            db.close().await;
            print!("{}", result?);
            Ok(())
        }
        Command::Gebruiker { what } => {
            let db = open_database(&config).await?;
            let tenant =
                passend_store::tenants::ensure(&db, &config.tenant_code, &config.tenant_name)
                    .await?;
            let result = match what {
                GebruikerCmd::Uitnodigen {
                    email,
                    naam,
                    rol,
                    school,
                } => {
                    let args = passend::accounts::InviteArgs {
                        email,
                        name: naam,
                        role: rol,
                        schools: school,
                    };
                    passend::accounts::invite(&db, tenant.id, &tenant.name, &config.base_url, &args)
                        .await
                        .map(|link| {
                            format!(
                                "Uitnodiging klaargezet; de e-mail gaat weg zodra de server draait.\nLink (7 dagen geldig, één keer te gebruiken):\n{link}\n"
                            )
                        })
                }
                GebruikerCmd::Lijst => passend::accounts::list(&db, tenant.id).await,
                GebruikerCmd::Blokkeren { email } => {
                    passend::accounts::disable(&db, tenant.id, &email)
                        .await
                        .map(|()| "Account geblokkeerd; alle sessies zijn beëindigd.\n".to_owned())
                }
            };
            db.close().await;
            print!("{}", result?);
            Ok(())
        }
        Command::Profiel { what } => {
            let db = open_database(&config).await?;
            let tenant =
                passend_store::tenants::ensure(&db, &config.tenant_code, &config.tenant_name)
                    .await?;
            let result = match what {
                ProfielCmd::Zet {
                    locatie,
                    thema,
                    niveau,
                    toelating,
                    omschrijving,
                    plaatsen,
                    wachtlijst,
                    contact,
                    bron,
                    gecontroleerd,
                } => {
                    let args = passend::profiles::ProfileArgs {
                        locatie,
                        themas: thema,
                        niveau,
                        toelating,
                        omschrijving,
                        plaatsen,
                        wachtlijst,
                        contact,
                        bron,
                        gecontroleerd,
                    };
                    passend::profiles::save(&db, tenant.id, &args)
                        .await
                        .map(|()| {
                            format!(
                                "Ondersteuningsprofiel opgeslagen voor {}\n",
                                args.locatie.to_ascii_uppercase()
                            )
                        })
                }
                ProfielCmd::Lijst => passend::profiles::list(&db, tenant.id).await,
            };
            db.close().await;
            print!("{}", result?);
            Ok(())
        }
        Command::Audit {
            what: AuditCmd::Verify,
        } => {
            let db = open_database(&config).await?;
            let result = passend_store::audit::verify(&db).await;
            let log = passend_store::steunpunt::verify_log(&db).await;
            let head =
                passend::audit_head::check(&db, &passend::audit_head::HeadFiles::of(&config)).await;
            db.close().await;
            let v = result?;
            let l = log?;
            if let Some((id, what)) = v.problem {
                bail!(
                    "het auditspoor is aangetast: gebeurtenis {id}: {what} ({} gebeurtenissen ervoor zijn in orde)",
                    v.checked
                );
            }
            if let Some((id, what)) = l.problem {
                bail!(
                    "het logboek van het Oudersteunpunt is aangetast: regel {id}: {what} ({} regels ervoor zijn in orde)",
                    l.checked
                );
            }
            // The chain inside the database is whole; does it still reach the head recorded
            // outside it?
            let head = head?;
            if let passend::audit_head::HeadCheck::Lost(problem) = &head {
                bail!(
                    "de keten in de database is heel ({} gebeurtenissen), maar {problem}",
                    v.checked
                );
            }
            println!(
                "Het auditspoor is in orde: {} gebeurtenissen gecontroleerd. Het logboek van het Oudersteunpunt is in orde: {} regels gecontroleerd.",
                v.checked, l.checked
            );
            match head {
                passend::audit_head::HeadCheck::Reached(c) => println!(
                    "De database bevat de kop die op {} buiten de database is vastgelegd (gebeurtenis {}).",
                    c.written_at, c.audit.0
                ),
                passend::audit_head::HeadCheck::NoFile => println!(
                    "Er is nog geen kopbestand ({}): alleen de keten in de database is gecontroleerd.",
                    config.audit_head_file.display()
                ),
                passend::audit_head::HeadCheck::Lost(_) => {}
            }
            Ok(())
        }
        Command::Backup { archive } => {
            let db = open_database(&config).await?;
            let report = passend::backup::create(&config, &db, &archive).await;
            db.close().await;
            print!("{}", report?.text());
            Ok(())
        }
        Command::Restore { archive } => {
            let report = passend::backup::restore(&config, &archive).await?;
            print!("{}", report.text());
            Ok(())
        }
        Command::Check => {
            let db = open_database(&config).await?;
            let files = passend_store::files::Files::local(&config.documents_dir)
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            let report = passend::check::run(&db, &files).await;
            db.close().await;
            let report = report?;
            print!("{}", report.text());
            if report.is_ok() {
                Ok(())
            } else {
                bail!("niet elk bestand is in orde")
            }
        }
        Command::Healthcheck { url } => healthcheck(&config, url).await,
    }
}

/// A minimal HTTP/1.1 GET of `/healthz`, so the binary needs no HTTP client library.
async fn healthcheck(config: &Config, url: Option<String>) -> anyhow::Result<()> {
    let target = match url {
        Some(u) => u,
        None => {
            let mut addr = config.addr;
            if addr.ip().is_unspecified() {
                addr.set_ip(std::net::Ipv4Addr::LOCALHOST.into());
            }
            format!("http://{addr}")
        }
    };
    let Some(host_port) = target
        .strip_prefix("http://")
        .map(|r| r.trim_end_matches('/'))
    else {
        bail!("healthcheck kent alleen http://-adressen (gekregen: {target})");
    };
    let check = async {
        let mut stream = tokio::net::TcpStream::connect(host_port).await?;
        let request =
            format!("GET /healthz HTTP/1.1\r\nHost: {host_port}\r\nConnection: close\r\n\r\n");
        stream.write_all(request.as_bytes()).await?;
        let mut response = Vec::new();
        stream.read_to_end(&mut response).await?;
        Ok::<_, std::io::Error>(response)
    };
    let response = tokio::time::timeout(Duration::from_secs(5), check)
        .await
        .context("geen antwoord binnen 5 seconden")?
        .with_context(|| format!("kan {host_port} niet bereiken"))?;
    let text = String::from_utf8_lossy(&response);
    let status_line = text.lines().next().unwrap_or_default();
    if status_line.split_whitespace().nth(1) == Some("200") {
        println!("gezond");
        Ok(())
    } else {
        bail!("ongezond: {status_line}")
    }
}
