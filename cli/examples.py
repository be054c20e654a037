"""One worked example per command, shown at the end of its --help (the Hải Phòng pilot)."""

EXAMPLES: dict[str, list[str]] = {
    "init": ["rollout init config/programmes/haiphong-2023-pilot.yaml --as-of 2023-03-01"],
    "plan": ["rollout plan --as-of 2023-04-03", "rollout plan --rebaseline --as-of 2023-04-03"],
    "status": [
        "rollout status --as-of 15/05/2023",
        "rollout status --unit HP-HAIAN --format csv > hai-an.csv",
    ],
    "show": ["rollout show HP-DANGLAM --as-of 2023-05-15"],
    "migrate": ["ROLLOUT_DATABASE_URL=postgresql+psycopg2://rollout@db/rollout rollout migrate"],
    "reminders": ["rollout reminders --dry-run --as-of 2023-03-31", "rollout reminders"],
    "serve": ["rollout serve --programme HP-2023-PILOT"],
    "record": [
        "rollout record HP-HAIAN survey --evidence khao-sat.xlsx --on 2023-03-15",
        'rollout record HP-HAIAN survey --decision "Số 12/QĐ-UBND" --on 20/03/2023 '
        '--signer "Nguyễn Văn A"',
        "rollout record HP-HAIAN training --evidence diem-danh.pdf --attendees 36",
        "rollout record --from su-kien-thang-3.xlsx --as-of 2023-03-31",
    ],
    "reopen": ['rollout reopen HP-HAIAN survey --reason "Quyết định ghi sai số"'],
    "sweep": ["rollout sweep --as-of 2023-03-06", "rollout sweep --phase training"],
    "prefect-server": ["rollout prefect-server"],
    "deploy": ["rollout deploy --programme HP-2023-PILOT"],
    "worker": ["rollout worker --name may-chu-1"],
    "health": ["rollout health --max-wait 30"],
    "audit verify": ["rollout audit verify", "rollout audit verify --heads"],
    "audit report": ["rollout audit report --format xlsx --as-of 2023-08-31"],
    "docs generate": [
        "rollout docs generate --unit HP-DANGLAM --phase survey",
        "rollout docs generate --type invitation --lang en --pdf",
    ],
    "docs register": [
        'rollout docs register HP-DANGLAM implementation_plan --number "Số 5/KH-UBND" '
        '--on 2023-03-08 --signer "Nguyễn Văn A"'
    ],
    "docs list": ["rollout docs list --unit HP-DANGLAM", "rollout docs list --format csv"],
    "docs types": ["rollout docs types"],
    "experts load": ["rollout experts load config/programmes/haiphong-2023-pilot-experts.csv"],
    "experts plan": [
        "rollout experts plan --as-of 2023-03-01",
        "rollout experts plan --without HP-CG03 --from 02/05/2023",
    ],
    "experts show": ["rollout experts show", "rollout experts show HP-CG01 --format csv"],
    "experts calendar": ["rollout experts calendar HP-TD01 --output lich/"],
    "experts need": ["rollout experts need --by 2023-06-30"],
    "assess form": ["rollout assess form HP-HAIAN --period 2023 --output forms/"],
    "assess import": ["rollout assess import forms/*.xlsx"],
    "assess verify": [
        'rollout assess verify HP-HAIAN 1.1 1.2 --verifier "Trần Thị B"',
        'rollout assess verify HP-HAIAN --all --verifier "Trần Thị B" --on 2023-05-02',
    ],
    "assess score": ["rollout assess score --period 2023", "rollout assess score --format csv"],
    "assess report": ["rollout assess report --period 2023 --output ket-qua.docx"],
    "users add": [
        "rollout users add chicuc.tdc@haiphong.example --role coordinator",
        "rollout users add ubnd.danglam@haiphong.example --role unit --unit HP-DANGLAM",
        "rollout users add thamdinh@haiphong.example --role verifier --province HP-HAIAN",
    ],
    "users from-roster": ["rollout users from-roster --programme HP-2023-PILOT"],
    "users link": ["rollout users link ubnd.danglam@haiphong.example"],
    "users list": ["rollout users list"],
    "roster official": [
        'rollout roster official --province "Hải Phòng" --output hai-phong.csv',
        "rollout roster official --output vietnam.xlsx",
    ],
    "units lineage": ["rollout units lineage 11413", "rollout units lineage 314 --format json"],
    "units decide": ["rollout units decide HP-KIENTHUY 11680"],
    "web": ["rollout web --host 0.0.0.0 --port 8000", "rollout web --as-of 2023-05-15"],
    "actions draft": ["rollout actions draft HP-HAIAN --period 2023"],
    "actions add": [
        'rollout actions add HP-HAIAN --task "Công khai thủ tục hành chính" '
        '--owner "Văn phòng HĐND và UBND" --due 2023-07-14'
    ],
    "actions edit": ["rollout actions edit 12 --status done --done-on 2023-07-10"],
    "actions list": ["rollout actions list --unit HP-HAIAN --as-of 2023-07-03"],
    "calendar export": ["rollout calendar export --unit HP-HAIAN --output hai-an.ics"],
}


def epilog(path: str) -> str | None:
    """The examples of a command ('docs register') as its help's last paragraph."""
    examples = EXAMPLES.get(path)
    if not examples:
        return None
    return "\n\n".join(["Examples:" if len(examples) > 1 else "Example:", *examples])
