#!/usr/bin/env python3
"""Rebuild the shipped fonts in this folder, reproducibly, from pinned Debian packages.

    apt-get download fonts-noto-cjk=1:20220127+repack1-1 fonts-lxgw-wenkai=1.250+repack-1 unicode-data=15.0.0-1
    cp ZhuqueFangsong-Regular.ttf DEB_DIR/          # compiled from TrionesType/zhuque 227319a1 (fonts/README.md)
    python fonts/build_fonts.py DEB_DIR fonts/      # needs fonttools==4.68.0 and dpkg-deb; ~2 min
    cd fonts && sha256sum -c SHA256SUMS

The output is committed, so neither users nor CI need this script or font tooling.
Noto CJK ships CFF outlines, which ReportLab refuses; they are subset and redrawn as TrueType (glyf) here.
LXGW WenKai's licence reserves the names "LXGW" and "霞鹜", so its subset is renamed "Briefing Kai".
"""
import bz2
import hashlib
import io
import os
import subprocess
import sys
import tarfile
import time

from fontTools import subset
from fontTools import version as fonttools_version
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.recordingPen import DecomposingRecordingPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTFont, newTable

DEBS = {  # file name -> sha256 (Debian 12 bookworm)
    "fonts-noto-cjk_1%3a20220127+repack1-1_all.deb": "4a2515eb6db3978b897fef9709ed0d2b1f4c6c4df4d83d6c4ef65f71f1b1f502",
    "unicode-data_15.0.0-1_all.deb": "5efef23bbb1c6a133ecbdd63a2cfa07159ccacf5466a49e2426101c5ecd691fc",
    "fonts-lxgw-wenkai_1.250+repack-1_all.deb": "6d1e4c4aac78ad32062aefa2c836ee4d6e58f9dcf8b3f4407c9eefe304615318",
    # not a .deb: 朱雀仿宋 0.211 compiled with fontmake from TrionesType/zhuque commit 227319a1
    "ZhuqueFangsong-Regular.ttf": "e0057faa5e4aed4b649acaedf2faa884417a88fdd868fa9533b03945ccdad0de",
}
NOTO = "./usr/share/fonts/opentype/noto/"

def everything(ch: str) -> bool:
    return True


def cjk(ch: str) -> bool:
    """Han characters and CJK punctuation only: Latin, digits and the (proportional) quotes of 朱雀仿宋 and
    LXGW WenKai are not shipped, so those characters are set in Noto Serif SC (the code's fallback face)."""
    return ord(ch) >= 0x2E80


def gb2312_cjk(ch: str) -> bool:
    """As ``cjk``, but only GB 2312: keeps fonts/ under 20 MB (a rarer character falls back to 仿宋)."""
    try:
        ch.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return cjk(ch)


FONTS = [  # output file, index into DEBS, member path (None: the file itself), TTC face (2 = SC), new family
    # name, which characters of charset.txt to keep
    ("NotoSerifSC-Regular.ttf", 0, NOTO + "NotoSerifCJK-Regular.ttc", 2, None, everything),
    ("NotoSerifSC-Bold.ttf", 0, NOTO + "NotoSerifCJK-Bold.ttc", 2, None, everything),
    ("NotoSansSC-Bold.ttf", 0, NOTO + "NotoSansCJK-Bold.ttc", 2, None, everything),
    ("ZhuqueFangsong-Regular.ttf", 3, None, 0, None, cjk),
    ("BriefingKai-Regular.ttf", 2, "./usr/share/fonts/truetype/lxgw-wenkai/LXGWWenKai-Regular.ttf", 0, "Briefing Kai",
     gb2312_cjk),
]
EXTRA_RANGES = [(0x20, 0x7E), (0xA0, 0xFF), (0x2000, 0x206F), (0x2100, 0x214F), (0x2150, 0x218F), (0x2190, 0x21FF),
                (0x2460, 0x24FF), (0x25A0, 0x25FF), (0x3000, 0x303F), (0xFF01, 0xFF65), (0xFFE0, 0xFFE6)]


def deb_member(deb: str, name: str) -> bytes:
    tar = subprocess.run(["dpkg-deb", "--fsys-tarfile", deb], check=True, capture_output=True).stdout
    with tarfile.open(fileobj=io.BytesIO(tar)) as archive:
        return archive.extractfile(name).read()


def charset(unihan_bz2: bytes) -> str:
    """GB 2312 + the 8105 characters of 通用规范汉字表 (Unihan kTGH) + punctuation, Latin and symbols."""
    chars = set()
    for hi in range(0xA1, 0xF8):
        for lo in range(0xA1, 0xFF):
            try:
                chars.add(bytes([hi, lo]).decode("gb2312"))
            except UnicodeDecodeError:
                pass
    for line in bz2.decompress(unihan_bz2).decode("utf-8").splitlines():
        if "\tkTGH\t" in line:
            chars.add(chr(int(line.split("\t")[0][2:], 16)))
    for first, last in EXTRA_RANGES:
        chars.update(chr(i) for i in range(first, last + 1))
    chars.update("×÷±≤≥≈≠∞√∑∏∈∶∵∴‰‱")
    return "".join(sorted(chars))


def to_truetype(font: TTFont, max_err: float = 1.0) -> None:
    order, glyph_set, glyphs = font.getGlyphOrder(), font.getGlyphSet(), {}
    for name in order:
        pen = TTGlyphPen(None)
        glyph_set[name].draw(Cu2QuPen(pen, max_err, reverse_direction=True))
        glyphs[name] = pen.glyph()
    font["loca"] = newTable("loca")
    font["glyf"] = glyf = newTable("glyf")
    glyf.glyphOrder, glyf.glyphs = order, glyphs
    for tag in ("CFF ", "VORG"):
        if tag in font:
            del font[tag]
    glyf.compile(font)
    for name, glyph in glyphs.items():
        if hasattr(glyph, "xMin"):
            font["hmtx"][name] = (font["hmtx"][name][0], glyph.xMin)
    font["maxp"] = maxp = newTable("maxp")
    maxp.tableVersion = 0x00010000
    maxp.maxZones = 1
    for attr in ("maxTwilightPoints", "maxStorage", "maxFunctionDefs", "maxInstructionDefs", "maxStackElements",
                 "maxSizeOfInstructions", "maxComponentElements"):
        setattr(maxp, attr, 0)
    maxp.compile(font)
    post = font["post"]
    post.formatType, post.extraNames, post.mapping = 3.0, [], {}
    font.sfntVersion = "\x00\x01\x00\x00"


def decompose(font: TTFont) -> None:
    """Composite glyphs redrawn as simple ones: the PDF embedding copies glyphs one by one."""
    glyph_set, glyf = font.getGlyphSet(), font["glyf"]
    for name in font.getGlyphOrder():
        if glyf[name].isComposite():
            recording = DecomposingRecordingPen(glyph_set)
            glyph_set[name].draw(recording)
            pen = TTGlyphPen(None)
            recording.replay(pen)
            glyf[name] = glyph = pen.glyph()
            glyph.recalcBounds(glyf)
            font["hmtx"][name] = (font["hmtx"][name][0], getattr(glyph, "xMin", 0))


def rename(font: TTFont, family: str) -> None:
    """A Modified Version must not carry a Reserved Font Name: family, full and PostScript names replaced."""
    style = font["name"].getDebugName(2) or "Regular"
    postscript = family.replace(" ", "") + "-" + style
    for record in font["name"].names:
        new = {1: family, 16: family, 4: f"{family} {style}", 6: postscript, 3: postscript}.get(record.nameID)
        if new is not None:
            record.string = new


def build(source: bytes, index: int, chars: str, family: str | None) -> bytes:
    font = TTFont(io.BytesIO(source), fontNumber=index, recalcTimestamp=False)  # no clock in head.modified
    options = subset.Options()
    options.layout_features = []
    options.hinting = False
    options.desubroutinize = True
    options.notdef_outline = True
    options.glyph_names = False
    options.name_IDs = [0, 1, 2, 3, 4, 5, 6, 13, 14]
    options.name_languages = ["*"]
    options.drop_tables += ["GSUB", "GPOS", "GDEF", "BASE", "VORG", "vhea", "vmtx", "DSIG", "meta", "STAT"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=chars)
    subsetter.subset(font)
    if "CFF " in font:
        to_truetype(font)
    decompose(font)
    if family:
        rename(font, family)
    buffer = io.BytesIO()
    font.save(buffer, reorderTables=True)
    return buffer.getvalue()


def main(deb_dir: str, out_dir: str) -> None:
    started = time.perf_counter()
    debs = []
    for name, expected in DEBS.items():
        path = os.path.join(deb_dir, name)
        with open(path, "rb") as handle:
            actual = hashlib.sha256(handle.read()).hexdigest()
        if actual != expected:
            sys.exit(f"{name}: sha256 {actual} != {expected}")
        debs.append(path)
    os.makedirs(out_dir, exist_ok=True)
    chars = charset(deb_member(debs[1], "./usr/share/unicode/Unihan_OtherMappings.txt.bz2"))
    sums = []
    with open(os.path.join(out_dir, "charset.txt"), "w", encoding="utf-8") as handle:
        handle.write(chars)
    print(f"fontTools {fonttools_version}; charset {len(chars)} code points")
    for out, deb_index, member, face, family, keep in FONTS:
        t = time.perf_counter()
        if member is None:
            with open(debs[deb_index], "rb") as handle:
                source = handle.read()
        else:
            source = deb_member(debs[deb_index], member)
        data = build(source, face, "".join(filter(keep, chars)), family)
        with open(os.path.join(out_dir, out), "wb") as handle:
            handle.write(data)
        digest = hashlib.sha256(data).hexdigest()
        sums.append(f"{digest}  {out}\n")
        print(f"{out}: {len(data)} bytes, {time.perf_counter() - t:.1f}s, sha256 {digest}")
    with open(os.path.join(out_dir, "SHA256SUMS"), "w", encoding="utf-8") as handle:
        handle.writelines(sums)
    print(f"total {time.perf_counter() - started:.1f}s")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
