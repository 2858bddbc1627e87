//! Writes a fictional agency copy of MARAC minutes to /tmp/sample.pdf (or the path given),
//! for looking at the layout. Every name in it is invented.

use std::time::Instant;

use shared::document::{Block, Document};
use shared::meeting::EntryKind;

fn fact(source: &str, body: &str) -> Block {
    Block::Entry { kind: EntryKind::Fact, source: source.into(), body: body.into() }
}

fn opinion(source: &str, body: &str) -> Block {
    Block::Entry { kind: EntryKind::Opinion, source: source.into(), body: body.into() }
}

fn fields(pairs: &[(&str, &str)]) -> Block {
    Block::Fields(pairs.iter().map(|(l, v)| (l.to_string(), v.to_string())).collect())
}

fn heading(level: u8, text: &str) -> Block {
    Block::Heading { level, text: text.into() }
}

fn sample() -> Document {
    let mut blocks = vec![
        Block::Notice(
            "Everything shared at this meeting is confidential. It is shared only to reduce the risk of serious harm, is not to be \
             passed on without the chair's agreement, and is held under the information sharing agreement signed by every agency \
             present."
                .into(),
        ),
        fields(&[
            ("Meeting", "Tuesday 3 November 2026 at 10:00, Council Chamber, Riverside House"),
            ("Chair", "DI Ifeoma Castellanos, Police"),
            ("Copy for", "Children's Social Care \u{2014} Łucja Nowak"),
            (
                "Present",
                "Ifeoma Castellanos, Police; Łucja Nowak, Children's Social Care; Şükrü Demir, Housing; Ngozi Adébáyọ̀, IDVA Service; \
                 Tomasz Wiśniewski, Probation; Aoife Ní Bhriain, Health Visiting",
            ),
            ("Apologies", "Mental Health Trust"),
        ]),
        heading(2, "Case M-2026-0147"),
        fields(&[("Victim", "Zoë Brannigan"), ("Perpetrator", "Dariusz Kowalczyk"), ("Children in the household", "2")]),
        heading(3, "Referral"),
        Block::Markdown(
            "Referred by **Police** after a high-risk DASH (score **17**) following an incident on 24 October.\n\n\
             Criteria met:\n\n\
             - visible high risk (DASH 14 or more)\n\
             - escalation: third call-out in six months\n\
             - *potential* escalation reported by the IDVA\n\n\
             The referral form is on the [case file](https://roundtable.example/cases/M-2026-0147). \
             <script>alert(1)</script>"
                .into(),
        ),
        heading(3, "Research shared before the meeting"),
        fact(
            "Police \u{2014} DC Ash Example",
            "Three call-outs to the address since May. On 24 October officers found Zoë with a cut above her left eye; \
             Mr Kowalczyk was arrested and released on bail with conditions not to contact her or attend the address.",
        ),
        fact(
            "Housing \u{2014} Şükrü Demir",
            "Joint tenancy. Ms Brannigan asked on 27 October about a move to a property outside the borough; a management transfer \
             has been opened.",
        ),
        opinion(
            "IDVA Service \u{2014} Ngozi Adébáyọ̀",
            "Zoë minimises what happened, which I think reflects fear of *retaliation* rather than a lower risk. She has engaged \
             well with me and wants the locks changed before bail conditions lapse.",
        ),
        heading(3, "Discussion"),
        fact("Children's Social Care \u{2014} Łucja Nowak", "Both children are known to the service; a child and family assessment started on 28 October."),
        opinion(
            "Health Visiting \u{2014} Aoife Ní Bhriain",
            "The younger child's development is on track, but mum seemed withdrawn at the last visit and said she was \"walking on \
             eggshells\". I would treat the risk as **rising**.",
        ),
        fact(
            "Probation \u{2014} Tomasz Wiśniewski",
            "Mr Kowalczyk completed a community order in 2023 for an assault on a previous partner.",
        ),
        heading(3, "Risks identified"),
        Block::Markdown(
            "1. Further assault when bail conditions end on 21 November.\n\
             2. Harm to the children, who were present during two of the three incidents.\n\
             3. Isolation: Zoë has moved away from family and has little support nearby."
                .into(),
        ),
        heading(3, "Decision"),
        Block::Markdown("Safety plan agreed with Zoë through the IDVA. Police to flag the address for an urgent response.".into()),
        heading(3, "Actions"),
        fields(&[
            ("Case", "M-2026-0147"),
            ("Action", "Change the locks and fit a door chain and a video doorbell before 21 November."),
            ("Owner", "Housing"),
            ("Due", "20 November 2026"),
            ("Status", "Open"),
        ]),
        fields(&[
            ("Case", "M-2026-0147"),
            ("Action", "Complete the child and family assessment and share its outcome with the IDVA."),
            ("Owner", "Children's Social Care"),
            ("Due", "1 December 2026"),
            ("Status", "In progress"),
        ]),
        heading(2, "Case M-2026-0152"),
        Block::Notice(
            "Restricted. This record is restricted under data protection law and is not shared. Contact the MARAC coordinator if you need it."
                .into(),
        ),
        heading(2, "Case M-2026-0158"),
        Block::Text("Your agency owns an action on this case; only the risks, decision and actions are shared with it.".into()),
        heading(3, "Risks identified"),
        Block::Markdown(
            "- Stalking by an ex-partner, including messages through the children's school.\n\
             - The victim's new address may be known to him.\n    - the school has not been told of the move\n    - the GP record still shows the old address"
                .into(),
        ),
        heading(3, "Decision"),
        Block::Markdown(
            "Refer to the stalking advocacy service. Children's Social Care to speak to the school's designated safeguarding lead.".into(),
        ),
    ];
    for n in 1..=6 {
        blocks.push(heading(2, &format!("Case M-2026-01{}", 60 + n)));
        blocks.push(fields(&[("Victim", "Ngozi Adébáyọ̀"), ("Perpetrator", "Unknown male"), ("Children in the household", "0")]));
        blocks.push(fact(
            "Police \u{2014} PC Jordan Example",
            "Two reports this month of threats made by phone. No arrests. The caller's number is withheld; enquiries with the \
             network provider are under way and a marker has been placed on the address.",
        ));
        blocks.push(opinion(
            "IDVA Service \u{2014} Ngozi Adébáyọ̀",
            "The risk is **high** and escalating: the calls have become more frequent and more specific about where she works.",
        ));
        blocks.push(heading(3, "Decision"));
        blocks.push(Block::Markdown("Safety plan reviewed. *No further action* for Children's Social Care.".into()));
    }
    blocks.push(heading(2, "Your agency's actions"));
    blocks.push(fields(&[
        ("Case", "M-2026-0147"),
        ("Action", "Complete the child and family assessment and share its outcome with the IDVA."),
        ("Owner", "Children's Social Care"),
        ("Due", "1 December 2026"),
        ("Status", "In progress"),
    ]));
    Document {
        id: "4f1c9e2a-7b3d-4e8f-9a61-0c5d2b7e8f13".into(),
        title: "MARAC minutes".into(),
        marking: "OFFICIAL-SENSITIVE".into(),
        watermark: "Children's Social Care \u{2014} Łucja Nowak".into(),
        blocks,
    }
}

fn main() {
    let path = std::env::args().nth(1).unwrap_or_else(|| "/tmp/sample.pdf".into());
    let doc = sample();
    let started = Instant::now();
    match pdf::render(&doc) {
        Ok(bytes) => {
            println!("rendered {} bytes in {:?}", bytes.len(), started.elapsed());
            if let Err(e) = std::fs::write(&path, bytes) {
                eprintln!("cannot write {path}: {e}");
                std::process::exit(1);
            }
        }
        Err(e) => {
            eprintln!("cannot render: {e}");
            std::process::exit(1);
        }
    }
}
