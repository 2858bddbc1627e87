//! The audit log's commands: `roundtable verify-audit` and `roundtable checkpoint`, which check
//! the chain against the witness's signed checkpoints and write new ones, and say what they found.

use shared::audit::Anchor;

use crate::audit;
use crate::cli::DatabaseArgs;
use crate::db::Db;
use crate::error::Error;
use crate::witness;

/// `roundtable verify-audit`: checks the chain against the latest checkpoint in the witness
/// (and `--expect-head`, if given), the seals and the horizons, and says what it found.
pub async fn print_verification(db_args: DatabaseArgs, expect_head: Option<String>, witness: std::path::PathBuf) -> Result<(), Error> {
    let expected = match expect_head {
        None => None,
        Some(text) => {
            Some(Anchor::parse(&text).ok_or_else(|| Error::Config("--expect-head must be SEQ:HASH as printed by an earlier verify-audit".into()))?)
        }
    };
    let db = Db::open(&db_args.resolve()?).await?;
    db.migrate().await?;
    let keys = crate::audit_keys::current();
    let read = witness::read(&witness, keys)?;
    let checkpoint = read.latest.as_ref().map(witness::Checkpoint::anchor);
    let mut problems = Vec::new();
    if !read.bad_lines.is_empty() {
        problems.push(format!(
            "The witness {} has lines that are not checkpoints signed by this installation (lines {:?}): someone wrote to it.",
            witness.display(),
            read.bad_lines
        ));
    }
    // Check against each anchor we have: the latest checkpoint and the head given by hand.
    let mut anchors: Vec<Anchor> = checkpoint.into_iter().chain(expected).collect();
    anchors.dedup();
    let mut result = audit::verify(&db, None).await?;
    for a in &anchors {
        let r = audit::verify(&db, Some(a.clone())).await?;
        if r.broken.is_some() {
            result = r;
            break;
        }
        result = r;
    }
    problems.extend(result.horizon_problems.iter().cloned());
    if let Some(b) = &result.broken {
        problems.insert(0, format!("{} {} entries before it verified.", audit::describe(b), result.checked));
    }
    match &read.latest {
        Some(c) => println!(
            "Checked against the latest of {} signed checkpoints in {}: entry {} at {}.",
            read.count,
            witness.display(),
            c.seq,
            shared::display::instant(c.at)
        ),
        None => println!("No checkpoint in {} yet: entries removed from the end could not be detected.", witness.display()),
    }
    println!("Checkpoint public key: {}", keys.public_key_hex());
    if let Some(first) = result.first_sealed.filter(|f| *f > 1) {
        println!("Entries before {first} were written before the audit key was introduced; they are verified as an unkeyed chain, and the first sealed entry seals them.");
    }
    if !problems.is_empty() {
        return Err(Error::AuditBroken(problems.join(" ")));
    }
    println!("The audit log is intact: {} entries verified in {} ms.", result.checked, result.elapsed.as_millis());
    if let Some(head) = &result.head {
        println!("Chain head: {head}");
        println!("`roundtable checkpoint` records it in the witness; `--expect-head {head}` checks against it by hand.");
    }
    Ok(())
}

/// `roundtable checkpoint`: verifies the chain from the latest checkpoint and writes a new one.
pub async fn print_checkpoint(db_args: DatabaseArgs, witness: std::path::PathBuf) -> Result<(), Error> {
    let db = Db::open(&db_args.resolve()?).await?;
    db.migrate().await?;
    match witness::record(&db, &witness, crate::clock::Clock::System.unix()).await? {
        Some(c) => println!("Checkpoint written to {}: entry {} ({}).", witness.display(), c.seq, c.head),
        None => println!("The audit log is empty: no checkpoint written."),
    }
    Ok(())
}
