#!/usr/bin/env python3
"""Build the demo plan (CTG Quercy Bouriane 2022-2026) in ctg's exchange format, version 1.

Usage (from the repository root):

    python3 scripts/seed_to_demo.py [SEED_JSON] [--out demo/ctg-quercy-bouriane-2022-2026.json]

SEED_JSON defaults to ../shared/seed/ctg-ccqb-2022-2026.extracted.json (relative to the
repository root). The mapping of the seed's actor strings onto organisations is read from
demo/organisations.json. Every judgement call is listed in demo/README.md.

Python 3.11, standard library only. The output is deterministic; the script ends with a
self-check (assertions) and prints a short summary.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_SEED = REPO.parent / "shared" / "seed" / "ctg-ccqb-2022-2026.extracted.json"
DEFAULT_OUT = REPO / "demo" / "ctg-quercy-bouriane-2022-2026.json"
ORGANISATIONS = REPO / "demo" / "organisations.json"

PARTNER_KINDS = {"caf", "epci", "commune", "state", "department", "association", "public_body", "other"}
INDICATOR_TYPES = {"realisation", "resultat", "impact"}
INDICATOR_KINDS = {"count", "amount", "percentage", "ratio", "duration", "boolean", "level", "text"}
DIRECTIONS = {"increase", "decrease"}
FREQUENCIES = {"annual", "semiannual", "quarterly", "monthly"}
ACTION_STATUSES = {"planned", "in_progress", "done", "suspended", "abandoned"}
STEP_STATUSES = {"planned", "in_progress", "done"}
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

# ---------------------------------------------------------------------------------------------
# Judgement calls that are data, kept here so that they are reviewable in one place.
# ---------------------------------------------------------------------------------------------

# Seed kinds outside the contract.
KIND_MAP = {
    "milestone": "boolean",  # « Réalisation du… », « Mise en place… »: done or not done
    "qualitative": "text",  # trend statements with no stated measure
    "undefined": "text",  # « Pas d'indicateur… », « Non définis »: kept (231), see README
}
LEVEL_SCALE = (1, 5)  # every `level` indicator: a 1-5 scale (1 = pas du tout, 5 = tout à fait)

# Indicators that measure a reduction: direction "decrease" (label prefixes, as written).
DECREASE_PREFIXES = ("Diminution", "Réduction", "Baisse")

# The four thematic technical committees (FA 5.2.1 / 5.2.2) and the axes they follow. Each
# committee's theme is matched to the axis whose title names it (see README):
#   petite enfance/enfance -> axe 1 « Faciliter la vie des familles » (garde des jeunes enfants,
#                            accueil péri/extra-scolaire, parentalité)
#   jeunesse               -> axe 2 « Soutenir les jeunes » (FA 2.4.2: « les fiches de l'axe
#                            jeunesse CTG pour feuille de route »)
#   accès aux droits…      -> axe 3 « Accompagner les publics dans l'accès aux droits et aux services »
#   AVS                    -> axe 4 « Renforcer les liens sociaux » (secteur associatif, lien
#                            social, participation, accueil: the AVS fiches)
# Axe 5 (« Inscrire la CTG dans son environnement »: transversality and governance) is followed
# by the COPIL, not by a thematic committee.
THEMATIC_COMMITTEES = [
    ("comite-petite-enfance-enfance", "Comité technique petite enfance/enfance", "petite enfance, enfance", [1]),
    ("comite-jeunesse", "Comité technique jeunesse", "jeunesse", [2]),
    ("comite-acces-aux-droits", "Comité technique accès aux droits et aux services", "accès aux droits et aux services", [3]),
    ("comite-avs", "Comité technique animation de la vie sociale (AVS)", "animation de la vie sociale", [4]),
]

# « Lien avec les fiches actions »: how each written reference resolves. Default: the written
# number ("FA 2.3.2." -> "2.3.2", "I.4.1" -> "1.4.1", "F1.2.1." -> "1.2.1"). Overrides below;
# None drops the reference. Every entry is explained in the README.
LINK_OVERRIDES = {
    # objective 4.1 cross-references use an older numbering, shifted by one (seed note 66):
    # « voir FA 4.1.5. » = the MJC premises (4.1.4), « FA 4.1.6. » = the Maison des Associations (4.1.5)
    ("4.1.3", "FA 4.1.5."): "4.1.4",
    ("4.1.3", "4.1..6"): "4.1.5",
    ("4.1.3", "FA 4.1.6."): "4.1.5",
    ("4.2.2", "FA 4.1.6."): "4.1.5",
    # same numbering in 1.3.3, whose step (2) says « Faire le lien avec le projet de Maison des
    # Associations » (the seed left it empty; note 30)
    ("1.3.3", "F.A.4.1.6"): "4.1.5",
}
# Deviations from the seed's own `linked_actions` (checked below, so that none goes unnoticed).
LINK_DEVIATIONS_FROM_SEED = {"1.3.3": ["4.1.5"]}

# Clearly fictitious demonstration measurements (all listed in the README).
DEMO_SOURCE = "Valeur fictive de démonstration"
DEMO_MEASUREMENTS = [
    # (fiche, indicator label as written, period, value)
    ("1.1.1", "Nombre d’animations/actions réalisées", "2023", 14),
    ("1.1.1", "Nombre d’animations/actions réalisées", "2024", 19),
    ("1.1.1", "Mesure dans laquelle les parents se sentent accompagnés/soutenus", "2024", 3),
    ("2.3.1", "Nombre de jeunes « renseignés par le PIJ", "2023", 42),
    ("2.3.1", "Nombre de jeunes « renseignés par le PIJ", "2024", 57),
    ("4.2.2", "Effectivité d’un listing actualisé des associations", "2024", True),
]


# ---------------------------------------------------------------------------------------------


def fail(msg: str) -> None:
    sys.exit(f"seed_to_demo: {msg}")


def text_or_none(value):
    if value is None:
        return None
    value = value.strip()
    return value or None


def texts(values):
    out = []
    for v in values:
        v = v.strip()
        if v:
            out.append(v)
    return out


class Orgs:
    """The mapping of demo/organisations.json."""

    def __init__(self, path: Path):
        data = json.loads(path.read_text(encoding="utf-8"))
        self.partners = [
            {"ref": p["ref"], "name": p["name"], "acronym": p["acronym"], "kind": p["kind"]}
            for p in data["partners"]
        ]
        self.refs = {p["ref"] for p in self.partners}
        self.strings = data["strings"]
        self.step_pilots = data["step_pilots"]
        self.used_strings: set[str] = set()
        self.used_step_strings: set[str] = set()

    def entries(self, seed_strings, where: str):
        """Map a list of seed strings onto [{partner, note}], one entry per partner (first
        position kept; the notes of merged entries joined with " ; ")."""
        out: list[dict] = []
        index: dict[str, dict] = {}
        for s in seed_strings:
            if s not in self.strings:
                fail(f"{where}: no organisation mapping for {s!r} (add it to demo/organisations.json)")
            self.used_strings.add(s)
            for m in self.strings[s]:
                ref, note = m["partner"], m["note"]
                if ref in index:
                    cur = index[ref]
                    if note and note not in (cur["note"] or "").split(" ; "):
                        cur["note"] = f"{cur['note']} ; {note}" if cur["note"] else note
                else:
                    entry = {"partner": ref, "note": note}
                    index[ref] = entry
                    out.append(entry)
        return out

    def refs_of(self, seed_strings, where: str):
        return [e["partner"] for e in self.entries(seed_strings, where)]

    def step_pilot(self, seed_string, where: str):
        if seed_string is None:
            return None
        if seed_string not in self.step_pilots:
            fail(f"{where}: no step-pilot mapping for {seed_string!r}")
        self.used_step_strings.add(seed_string)
        return self.step_pilots[seed_string]["partner"]


LINK_RE = re.compile(r"^(?:F\.?A\.?|F\.?)?\s*(I|\d)\.+(\d)\.+(\d)\.?$")


def normalise_link(raw: str):
    m = LINK_RE.match(raw.strip())
    if not m:
        return None
    axis = "1" if m.group(1) == "I" else m.group(1)
    return f"{axis}.{m.group(2)}.{m.group(3)}"


def links_of(action: dict, codes: set[str], log: list[str]):
    code = action["code"]
    out: list[str] = []
    for raw in action["linked_actions_raw"]:
        if (code, raw) in LINK_OVERRIDES:
            target = LINK_OVERRIDES[(code, raw)]
            log.append(f"{code}: « {raw} » -> {target} (renumbering)")
        else:
            target = normalise_link(raw)
            if target is None:
                fail(f"{code}: cannot read link {raw!r}")
            if target == code:
                log.append(f"{code}: « {raw} » -> {target} is the fiche itself: dropped")
                continue
            if target not in codes:
                log.append(f"{code}: « {raw} » -> {target} does not exist: dropped")
                continue
        if target not in out:
            out.append(target)
    return out


def schedule_of(action: dict):
    sch = action["schedule"]
    raw = sch["raw"].strip()
    years = [int(y) for y in re.findall(r"\b(20\d\d)\b", raw)]
    start = years[0] if years else None
    end = years[1] if len(years) > 1 else None
    if raw.startswith("initier"):  # « initier l'action en 2024 »: a start, no end
        end = None
    if (start, end) != (sch["start_year"], sch["end_year"]):
        fail(f"{action['code']}: échéance {raw!r} reads {start}-{end}, seed says {sch['start_year']}-{sch['end_year']}")
    return start, end, raw


def indicator_of(ind: dict):
    kind = KIND_MAP.get(ind["kind"], ind["kind"])
    label = ind["label"].strip()
    level = kind == "level"
    return {
        "type": ind["type"],
        "label": label,
        "kind": kind,
        "unit": None,
        "baseline_value": None,
        "baseline_period": None,
        "target_value": None,
        "target_period": None,
        "direction": "decrease" if label.startswith(DECREASE_PREFIXES) else "increase",
        "frequency": "annual",
        "source": None,
        "scale_min": LEVEL_SCALE[0] if level else None,
        "scale_max": LEVEL_SCALE[1] if level else None,
        "measurements": [],
    }


def build(seed: dict, orgs: Orgs):
    conv = seed["convention"]
    link_log: list[str] = []

    signatories = orgs.refs_of(conv["signatories"], "signatories")
    associated = orgs.refs_of(conv["associated_partners"], "associated_partners")
    convention = {
        "name": conv["name"],
        "territory": conv["territory"],
        "start_year": conv["period"]["start_year"],
        "end_year": conv["period"]["end_year"],
        "status": "active",
        "signatories": signatories,
        "associated_partners": associated,
    }

    # --- axes / objectives / actions ----------------------------------------------------------
    codes = {a["code"] for a in seed["actions"]}
    axes = []
    for ax in sorted(seed["axes"], key=lambda a: a["number"]):
        axis = {"number": ax["number"], "title": ax["title"].strip(), "description": None, "objectives": []}
        objectives = [o for o in seed["objectives"] if o["axis"] == ax["number"]]
        for ob in sorted(objectives, key=lambda o: int(o["code"].split(".")[1])):
            objective = {
                "number": int(ob["code"].split(".")[1]),
                "title": ob["title"].strip(),
                "description": None,
                "actions": [],
            }
            actions = [a for a in seed["actions"] if a["objective"] == ob["code"]]
            for a in sorted(actions, key=lambda a: int(a["code"].split(".")[2])):
                code = a["code"]
                start, end, note = schedule_of(a)
                objective["actions"].append({
                    "number": int(code.split(".")[2]),
                    "title": a["title"].strip(),
                    "priority": bool(a["priority"]),
                    "status": "planned",
                    "progress": None,
                    "context": text_or_none(a["context"]),
                    "shared_findings": texts(a["shared_findings"]),
                    "expected_results": texts(a["expected_results"]),
                    "steps": [
                        {
                            "text": s["text"].strip(),
                            "pilot": orgs.step_pilot(s["pilot"], f"{code} step {i}"),
                            "status": "planned",
                        }
                        for i, s in enumerate(a["steps"], 1)
                    ],
                    "pilots": orgs.entries(a["pilots"], f"{code} pilots"),
                    "partners": orgs.entries(a["partners"], f"{code} partners"),
                    "inhabitants_role": text_or_none(a["inhabitants_role"]),
                    "resources": {
                        "financial": texts(a["resources"]["financial"]),
                        "human": texts(a["resources"]["human"]),
                    },
                    "linked_actions": links_of(a, codes, link_log),
                    "linked_plans": texts(a["linked_plans"]),
                    "start_year": start,
                    "end_year": end,
                    "schedule_note": note,
                    "indicators": [indicator_of(i) for i in a["indicators"]],
                })
            axis["objectives"].append(objective)
        axes.append(axis)

    # the governance fiches name their pilots a second time: they must agree
    for code, pilots in conv["governance"]["governance_action_pilots"].items():
        fiche = next(a for a in seed["actions"] if a["code"] == code)
        if orgs.refs_of(pilots, f"governance {code}") != orgs.refs_of(fiche["pilots"], code):
            fail(f"governance pilots of {code} disagree with the fiche")

    # --- committees -----------------------------------------------------------------------------
    # COPIL: « composé des parties signataires … ainsi que des partenaires associés » (l. 163-169);
    # FA 5.2.1 lists the same bodies (CCQB, CAF, mairies de Gourdon et du Vigan, Etat, Département,
    # MSA, SDJES) plus « partenaires financiers et institutionnels », which names no organisation.
    strategic = next(l for l in conv["governance"]["levels"] if l["name"] == "stratégique")
    copil_members = list(dict.fromkeys(signatories + associated))
    from_5_2_1 = orgs.refs_of(strategic["members"], "COPIL members (FA 5.2.1)")
    if not set(from_5_2_1) <= set(copil_members):
        fail(f"FA 5.2.1 names COPIL members outside the convention's partners: {set(from_5_2_1) - set(copil_members)}")
    committees = [{
        "ref": "copil",
        "name": "Comité de pilotage (COPIL)",
        "kind": "copil",
        "axes": [],
        "members": copil_members,
    }]
    seed_themes = conv["governance"]["technical_committees"]
    for ref, name, theme, axis_numbers in THEMATIC_COMMITTEES:
        if theme not in seed_themes:
            fail(f"unknown technical committee theme {theme!r}")
        # Members: « au minimum, les référents des fiches-action » (FA 2.4.2, said of the youth
        # committee, applied to all four): the référents-pilotes of the fiches of the axes covered.
        members: list[str] = []
        for axis in axes:
            if axis["number"] not in axis_numbers:
                continue
            for ob in axis["objectives"]:
                for ac in ob["actions"]:
                    for p in ac["pilots"]:
                        if p["partner"] not in members:
                            members.append(p["partner"])
        committees.append({"ref": ref, "name": name, "kind": "thematic", "axes": axis_numbers, "members": members})

    # --- demonstration measurements -------------------------------------------------------------
    for code, label, period, value in DEMO_MEASUREMENTS:
        ax, ob, ac = (int(x) for x in code.split("."))
        action = axes[ax - 1]["objectives"][ob - 1]["actions"][ac - 1]
        matches = [i for i in action["indicators"] if i["label"] == label]
        if len(matches) != 1:
            fail(f"demo measurement: {code} has {len(matches)} indicators labelled {label!r}")
        matches[0]["measurements"].append({"period": period, "value": value, "comment": None, "source": DEMO_SOURCE})

    # --- partners: only those referenced, in the order of organisations.json ---------------------
    doc = {
        "format": "ctg-convention",
        "format_version": 1,
        "partners": orgs.partners,
        "convention": convention,
        "committees": committees,
        "axes": axes,
    }
    return doc, link_log


# ---------------------------------------------------------------------------------------------
# Self-check
# ---------------------------------------------------------------------------------------------


def all_actions(doc):
    for axis in doc["axes"]:
        for ob in axis["objectives"]:
            for ac in ob["actions"]:
                yield f"{axis['number']}.{ob['number']}.{ac['number']}", ac


def self_check(doc: dict, seed: dict, orgs: Orgs) -> dict:
    partners = doc["partners"]
    refs = [p["ref"] for p in partners]
    assert doc["format"] == "ctg-convention" and doc["format_version"] == 1
    assert len(refs) == len(set(refs)), "duplicate partner ref"
    assert all(SLUG.match(r) for r in refs), "partner ref not a lowercase slug"
    names = [p["name"].casefold() for p in partners]
    assert len(names) == len(set(names)), "duplicate partner name (case-insensitive)"
    assert all(p["kind"] in PARTNER_KINDS for p in partners), "partner kind"
    assert all(p["name"].strip() == p["name"] and p["name"] for p in partners)
    ref_set = set(refs)

    used: set[str] = set()

    def ref(r, where):
        assert r in ref_set, f"{where}: unknown partner {r!r}"
        used.add(r)

    c = doc["convention"]
    assert c["status"] in {"draft", "active", "closed"} and c["start_year"] <= c["end_year"]
    for r in c["signatories"] + c["associated_partners"]:
        ref(r, "convention")
    assert len(set(c["signatories"])) == len(c["signatories"]) == 4
    assert len(set(c["associated_partners"])) == len(c["associated_partners"]) == 5
    committee_refs = [k["ref"] for k in doc["committees"]]
    assert len(committee_refs) == len(set(committee_refs))
    assert [k["kind"] for k in doc["committees"]] == ["copil"] + ["thematic"] * 4
    covered = []
    for k in doc["committees"]:
        assert SLUG.match(k["ref"])
        assert len(set(k["members"])) == len(k["members"]) and k["members"]
        for r in k["members"]:
            ref(r, f"committee {k['ref']}")
        if k["kind"] == "copil":
            assert k["axes"] == []
        else:
            assert k["axes"] and all(1 <= n <= len(doc["axes"]) for n in k["axes"])
            covered += k["axes"]
    assert len(covered) == len(set(covered)), "an axis followed by two thematic committees"

    assert len(doc["axes"]) == 5
    assert [a["number"] for a in doc["axes"]] == [1, 2, 3, 4, 5]
    n_obj = sum(len(a["objectives"]) for a in doc["axes"])
    actions = dict(all_actions(doc))
    n_ind = sum(len(ac["indicators"]) for ac in actions.values())
    assert n_obj == 17, n_obj
    assert len(actions) == 45, len(actions)
    assert n_ind == 231, n_ind
    for axis in doc["axes"]:
        assert [o["number"] for o in axis["objectives"]] == list(range(1, len(axis["objectives"]) + 1))
        for ob in axis["objectives"]:
            assert [a["number"] for a in ob["actions"]] == list(range(1, len(ob["actions"]) + 1))

    measurements = 0
    for code, ac in actions.items():
        assert ac["status"] in ACTION_STATUSES and ac["progress"] is None
        assert ac["title"] and isinstance(ac["priority"], bool)
        for s in ac["steps"]:
            assert s["text"] and s["status"] in STEP_STATUSES
            if s["pilot"] is not None:
                ref(s["pilot"], f"{code} step")
        for key in ("pilots", "partners"):
            seen = [e["partner"] for e in ac[key]]
            assert len(seen) == len(set(seen)), f"{code} {key}: a partner twice"
            for e in ac[key]:
                ref(e["partner"], f"{code} {key}")
                assert e["note"] is None or (e["note"].strip() == e["note"] and e["note"])
        assert ac["pilots"], f"{code}: no pilot"
        for link in ac["linked_actions"]:
            assert link in actions, f"{code}: link to unknown fiche {link}"
            assert link != code, f"{code}: self-link"
        assert len(set(ac["linked_actions"])) == len(ac["linked_actions"])
        if ac["start_year"] is not None:
            assert c["start_year"] <= ac["start_year"] <= c["end_year"]
        if ac["end_year"] is not None:
            assert ac["start_year"] <= ac["end_year"] <= c["end_year"]
        assert ac["schedule_note"]
        for i in ac["indicators"]:
            assert i["type"] in INDICATOR_TYPES, i
            assert i["kind"] in INDICATOR_KINDS, i
            assert i["direction"] in DIRECTIONS, i
            assert i["frequency"] in FREQUENCIES, i
            assert i["label"]
            if i["kind"] == "level":
                assert i["scale_min"] is not None and i["scale_max"] is not None and i["scale_min"] < i["scale_max"]
            else:
                assert i["scale_min"] is None and i["scale_max"] is None
            periods = [m["period"] for m in i["measurements"]]
            assert len(periods) == len(set(periods))
            for m in i["measurements"]:
                measurements += 1
                assert m["source"] == DEMO_SOURCE
                assert re.fullmatch(r"20(2[2-5])", m["period"]), m
                year = int(m["period"])
                assert (ac["start_year"] or c["start_year"]) <= year <= 2025
                v = m["value"]
                if i["kind"] == "count":
                    assert isinstance(v, int) and not isinstance(v, bool) and v >= 0
                elif i["kind"] == "boolean":
                    assert isinstance(v, bool)
                elif i["kind"] == "level":
                    assert isinstance(v, (int, float)) and i["scale_min"] <= v <= i["scale_max"]
                else:
                    raise AssertionError(f"no demo value expected for kind {i['kind']}")

    assert used == ref_set, f"partners never referenced: {sorted(ref_set - used)}"
    assert set(orgs.strings) - orgs.used_strings == set(), f"stale mappings: {sorted(set(orgs.strings) - orgs.used_strings)}"
    assert set(orgs.step_pilots) == orgs.used_step_strings, "stale step-pilot mappings"

    # the seed, field by field where the format keeps it as written
    seed_actions = {a["code"]: a for a in seed["actions"]}
    assert set(seed_actions) == set(actions)
    n_priority = 0
    for code, ac in actions.items():
        sa = seed_actions[code]
        assert ac["title"] == sa["title"]
        assert ac["priority"] == sa["priority"]
        n_priority += ac["priority"]
        assert ac["context"] == (sa["context"] or None)
        assert ac["shared_findings"] == sa["shared_findings"]
        assert ac["expected_results"] == sa["expected_results"]
        assert [s["text"] for s in ac["steps"]] == [s["text"] for s in sa["steps"]]
        assert [s["pilot"] is None for s in ac["steps"]] == [
            s["pilot"] is None or orgs.step_pilots[s["pilot"]]["partner"] is None for s in sa["steps"]
        ]
        assert ac["inhabitants_role"] == (sa["inhabitants_role"] or None)
        assert ac["resources"] == sa["resources"]
        assert ac["linked_plans"] == sa["linked_plans"]
        assert [(i["type"], i["label"]) for i in ac["indicators"]] == [(i["type"], i["label"]) for i in sa["indicators"]]
        expected_links = [l for l in sa["linked_actions"]] + LINK_DEVIATIONS_FROM_SEED.get(code, [])
        assert sorted(ac["linked_actions"]) == sorted(expected_links), (code, ac["linked_actions"], expected_links)
    assert n_priority == 13, n_priority

    # spot checks against the raw text
    # 2.4.2 « Les référents-pilotes de l'action : Coordination jeunesse/CTG, Bicoque » (l. 2928):
    # both are the CCQB (the Bicoque is its youth service, l. 1760).
    assert actions["2.4.2"]["pilots"] == [{"partner": "ccqb", "note": "Coordination jeunesse/CTG ; Bicoque"}]
    # 1.2.1 steps (l. 829-863): RPE, RPE, Elus communautaires…, « crèche ? RPE ? »,
    # coordination petite enfance, RPE, coordination petite-enfance/RPE, RPE.
    assert [s["pilot"] for s in actions["1.2.1"]["steps"]] == ["ccqb", "ccqb", "ccqb", None, "ccqb", "ccqb", "ccqb", "ccqb"]
    # 3.1.1: « + » right after it in the axe 3 diagram (l. 3002-3010).
    assert actions["3.1.1"]["priority"] is True
    # 1.1.1 « MJC (référente famille) »
    assert {"partner": "mjc-gourdon", "note": "référente famille"} in actions["1.1.1"]["pilots"]

    return {
        "partners": len(partners),
        "axes": len(doc["axes"]),
        "objectives": n_obj,
        "actions": len(actions),
        "indicators": n_ind,
        "priority": n_priority,
        "committees": len(doc["committees"]),
        "measurements": measurements,
    }


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("seed", nargs="?", default=str(DEFAULT_SEED), help="the seed JSON (default: %(default)s)")
    ap.add_argument("--out", default=str(DEFAULT_OUT), help="output file (default: %(default)s)")
    ap.add_argument("--organisations", default=str(ORGANISATIONS), help="the mapping (default: %(default)s)")
    ap.add_argument("--print-links", action="store_true", help="print how each written link was resolved")
    args = ap.parse_args(argv)

    seed = json.loads(Path(args.seed).read_text(encoding="utf-8"))
    orgs = Orgs(Path(args.organisations))
    doc, link_log = build(seed, orgs)
    summary = self_check(doc, seed, orgs)

    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(doc, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    if args.print_links:
        print("\n".join(link_log))
    print(f"wrote {out.relative_to(REPO) if out.is_relative_to(REPO) else out}: " + ", ".join(f"{v} {k}" for k, v in summary.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
