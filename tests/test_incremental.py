"""Parallel builds give the same bytes; unchanged briefs are not built again; --force rebuilds all."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from briefing.build.briefs import discover
from briefing.build.plan import build
from conftest import page_texts


def many(project: Path, copies: int = 3) -> list[Path]:
    briefs = project / "briefs"
    for stem in ("anhui", "shanghai", "zhejiang"):
        for n in range(copies):
            shutil.copy(briefs / f"{stem}.yaml", briefs / f"{stem}-{n}.yaml")
    return discover(briefs)


def run(project: Path, out: str, **options) -> object:
    result = build(discover(project / "briefs"), project / out, project / "briefs" / "report.yaml",
                   project / "seeds", **options)
    assert result.ok, [str(e) for e in result.errors]
    return result


def pdfs(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.glob("*.pdf"))}


def test_jobs_2_is_byte_identical_to_jobs_1(project: Path) -> None:
    briefs = many(project)
    assert len(briefs) >= 8  # enough to use worker processes
    run(project, "one", jobs=1)
    run(project, "two", jobs=2)
    assert pdfs(project / "one") == pdfs(project / "two")
    assert len(pdfs(project / "two")) == len(briefs) + 1


def test_second_build_writes_nothing(project: Path) -> None:
    many(project)
    first = run(project, "out", jobs=2)
    second = run(project, "out", jobs=2)
    assert second.written == [] and len(second.unchanged) == len(first.written)


@pytest.mark.parametrize("jobs", [1, 2])
def test_changing_one_brief_rebuilds_it_and_the_combined_report(project: Path, jobs: int) -> None:
    many(project)
    run(project, "out", jobs=jobs)
    before = pdfs(project / "out")
    brief = project / "briefs" / "shanghai-1.yaml"
    brief.write_text(brief.read_text(encoding="utf-8").replace("脱贫攻坚", "精准脱贫"), encoding="utf-8")
    result = run(project, "out", jobs=jobs)
    assert sorted(p.name for p in result.written) == ["combined.pdf", "shanghai-1.pdf"]
    after = pdfs(project / "out")
    changed = sorted(name for name in after if after[name] != before[name])
    assert changed == ["combined.pdf", "shanghai-1.pdf"]
    run(project, "fresh", jobs=1)
    assert pdfs(project / "fresh") == after, "the same bytes as a build from scratch"


def kept_stems(out: Path) -> set[str]:
    from briefing.build.pagecache import PageCache

    cache = PageCache(out)
    try:
        return set(cache.entries)
    finally:
        cache.close()


@pytest.mark.parametrize("jobs", [1, 2])
@pytest.mark.parametrize("damage", ["removed", "torn", "zeroed", "planted", "other inputs"])
def test_a_kept_page_is_used_only_when_it_is_sound_and_of_these_inputs(project: Path, damage: str, jobs: int) -> None:
    """Kept pages that are missing, torn, not ours or made from other inputs are not used: the briefs
    are checked and drawn again, and the combined report is the same bytes as a fresh build's. With two
    jobs the changed brief is proved by a second process, the briefs whose kept page is no good here."""
    from briefing.build.pagecache import FILE, PageCache

    many(project, copies=1)
    run(project, "out", jobs=1)
    out = project / "out"
    assert kept_stems(out) == {p.stem for p in discover(project / "briefs")}
    kept = out / FILE
    data = kept.read_bytes()
    if damage == "removed":
        kept.unlink()
    elif damage == "torn":
        kept.write_bytes(data[:-100])
    elif damage == "zeroed":  # as a crash can leave a file: its length, but not all of its bytes
        cache = PageCache(out)
        offset, length = cache.entries["anhui-0"]
        cache.close()
        kept.write_bytes(data[:offset + length // 2] + bytes(length - length // 2) + data[offset + length:])
    elif damage == "planted":
        import pickle

        kept.write_bytes(pickle.dumps(("not", "ours")))
    else:  # a page kept under this brief's name, but drawn from other inputs
        from briefing.build.manifest import Manifest
        from briefing.build.pagecache import key

        manifest = Manifest.read(out)
        keys = {stem: key(manifest.settings, manifest.environment, entry) for stem, entry in manifest.briefs.items()}
        cache = PageCache(out)
        brief_json, body = cache.load("shanghai-0", keys["shanghai-0"])
        cache.save("anhui-0", "the key of other inputs", brief_json, body)
        cache.finish({**keys, "anhui-0": "the key of other inputs"})
    brief = project / "briefs" / "shanghai.yaml"
    brief.write_text(brief.read_text(encoding="utf-8").replace("脱贫攻坚", "精准脱贫"), encoding="utf-8")
    assert sorted(p.name for p in run(project, "out", jobs=jobs).written) == ["combined.pdf", "shanghai.pdf"]
    run(project, "fresh", jobs=1)
    assert pdfs(project / "out") == pdfs(project / "fresh")
    assert kept_stems(out) == {p.stem for p in discover(project / "briefs")}, "kept again once drawn"


def test_kept_pages_of_removed_briefs_are_dropped(project: Path) -> None:
    many(project, copies=1)
    run(project, "out", jobs=1)
    (project / "briefs" / "anhui-0.yaml").unlink()
    (project / "briefs" / "zhejiang.yaml").write_text(
        (project / "briefs" / "zhejiang.yaml").read_text(encoding="utf-8").replace("杭州援疆", "杭州对口援疆"),
        encoding="utf-8")
    run(project, "out", jobs=1)
    assert "anhui-0" not in kept_stems(project / "out")
    assert len(kept_stems(project / "out")) == len(discover(project / "briefs"))


def test_parallel_build_with_a_bad_brief_keeps_the_combined_report(project: Path) -> None:
    briefs = many(project)
    run(project, "out", jobs=2)
    before = pdfs(project / "out")
    bad = project / "briefs" / "zhejiang-2.yaml"
    bad.write_text(bad.read_text(encoding="utf-8").replace("脱贫攻坚", "精准脱贫") + "\nprovince: 浙江\n",
                   encoding="utf-8")
    good = project / "briefs" / "anhui-0.yaml"
    good.write_text(good.read_text(encoding="utf-8").replace("皮山", "皮山县", 1), encoding="utf-8")
    result = build(briefs, project / "out", project / "briefs" / "report.yaml", project / "seeds", jobs=2)
    assert [str(e).split(":")[0] for e in result.errors] == [str(bad)]
    assert [p.name for p in result.written] == ["anhui-0.pdf"], "the good brief is still built"
    assert result.combined_skipped and result.combined_skipped.startswith("not rewritten: 1 brief failed")
    after = pdfs(project / "out")
    assert after["combined.pdf"] == before["combined.pdf"] and after["zhejiang-2.pdf"] == before["zhejiang-2.pdf"]


def test_a_changed_seed_or_photo_or_deleted_pdf_is_noticed(project: Path) -> None:
    run(project, "out")
    seed = project / "seeds" / "003_c86d259adb8c50f8.txt"
    seed.write_text(seed.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert sorted(p.name for p in run(project, "out").written) == ["combined.pdf", "shanghai.pdf"]
    photo = project / "briefs" / "photos" / "pishan.jpg"
    photo.write_bytes(photo.read_bytes())  # same bytes: nothing to do
    assert run(project, "out").written == []
    (project / "out" / "zhejiang.pdf").unlink()
    assert [p.name for p in run(project, "out").written] == ["zhejiang.pdf"]


def test_force_and_changed_settings_rebuild_everything(project: Path) -> None:
    run(project, "out")
    assert len(run(project, "out", force=True).written) == 4
    settings = project / "briefs" / "report.yaml"
    settings.write_text(settings.read_text(encoding="utf-8").replace("issue: 1", "issue: 2"), encoding="utf-8")
    assert len(run(project, "out").written) == 4
    (text,) = page_texts(project / "out" / "anhui.pdf")
    assert "2026年第2期" in text, "built with the new settings, in the same process"


@pytest.mark.parametrize("jobs", [1, 2])
def test_progress_counts_checking_writing_and_the_combined_pages(project: Path, jobs: int) -> None:
    briefs = many(project)
    calls: list[tuple[int, int]] = []
    run(project, "out", jobs=jobs, progress=lambda done, total: calls.append((done, total)))
    totals = {total for _, total in calls}
    assert totals == {3 * len(briefs)}, "check and write each brief, and make its page of the combined report"
    dones = [done for done, _ in calls]
    assert dones == sorted(dones) and dones[0] < len(briefs) and dones[-1] == 3 * len(briefs)
    assert len(set(dones)) > len(briefs), "the bar moves while briefs are checked, written and combined"

    brief = project / "briefs" / "anhui-1.yaml"
    brief.write_text(brief.read_text(encoding="utf-8").replace("皮山", "皮山县", 1), encoding="utf-8")
    calls.clear()
    run(project, "out", jobs=jobs, progress=lambda done, total: calls.append((done, total)))
    # one brief checked and written; the combined report made again, the others' pages read as kept
    assert {total for _, total in calls} == {2 + len(briefs)}
    assert calls[-1][0] == calls[-1][1]

    (project / "out" / ".briefing-pages").unlink()
    brief.write_text(brief.read_text(encoding="utf-8").replace("皮山县", "皮山", 1), encoding="utf-8")
    calls.clear()
    run(project, "out", jobs=jobs, progress=lambda done, total: calls.append((done, total)))
    # no kept pages: the others are checked and drawn again (not written)
    assert {total for _, total in calls} == {2 + (len(briefs) - 1) + len(briefs)}
    assert calls[-1][0] == calls[-1][1]


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_brief_too_long_for_its_page_is_found_after_the_combined_report_started(project: Path, jobs: int) -> None:
    """Briefs are checked first and fitted later (the combined report starts in between): one that
    proves good but cannot fit its page still stops the combined report and keeps the old one."""
    briefs = many(project)
    run(project, "out", jobs=2)
    before = pdfs(project / "out")
    long = project / "briefs" / "anhui-2.yaml"
    text = long.read_text(encoding="utf-8")
    assert '。"\n        source:' in text
    longer = text.replace('。"\n        source:', '。' + "援疆工作持续推进，成效显著。" * 8 + '"\n        source:')
    long.write_text(longer, encoding="utf-8")
    good = project / "briefs" / "anhui-0.yaml"
    good.write_text(good.read_text(encoding="utf-8").replace("皮山", "皮山县", 1), encoding="utf-8")
    result = build(briefs, project / "out", project / "briefs" / "report.yaml", project / "seeds", jobs=jobs)
    (error,) = result.errors
    assert str(error).startswith(f"{long}: does not fit on one page")
    assert [p.name for p in result.written] == ["anhui-0.pdf"]
    assert result.combined_skipped and result.combined_skipped.startswith("not rewritten: 1 brief failed")
    after = pdfs(project / "out")
    assert after["combined.pdf"] == before["combined.pdf"] and after["anhui-2.pdf"] == before["anhui-2.pdf"]
    assert not list((project / "out").glob(".*.tmp"))
    long.write_text(text, encoding="utf-8")
    fixed = run(project, "out", jobs=jobs)
    assert "combined.pdf" in [p.name for p in fixed.written]
    assert pdfs(project / "out")["anhui-2.pdf"] == before["anhui-2.pdf"]
