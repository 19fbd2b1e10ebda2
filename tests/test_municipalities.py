"""The municipality resolver: every municipality, the forms people type, and the edge cases."""

from __future__ import annotations

import csv

import pytest
import yaml

from bot.knowledge.ereignisort import event_place_text, load_standesamtsbezirke, standesamtsbezirk_of
from bot.knowledge.municipalities import DISTRICTS_YML, MUNICIPALITIES_CSV, load_municipalities
from bot.knowledge.sources import load_source_titles
from bot.knowledge.text import normalise
from bot.nlp.build import spellings

INDEX = load_municipalities()
MUNICIPALITIES = INDEX.municipalities()
# Bare names that a better-known place outside Hessen has too: asked back with buttons
# (orte_ausserhalb_hessen.yml, namensvettern, fragen: true). Everything else must resolve.
ASKED_NAMESAKES = {ns.hessian_ags: ns.name for ns in INDEX.namesakes() if ns.ask}
# Short forms that are also a listed district elsewhere: asked back ("Höchst", "Allendorf").
DISTRICT_SHORT_FORMS = {"hoechst", "hochst", "allendorf"}


def _label(text: str) -> str | None:
    m = INDEX.resolve(text).municipality
    return m.label if m else None


def test_data_has_422_municipalities_with_keys() -> None:
    assert len(MUNICIPALITIES) == 422
    assert len(INDEX.kreise()) == 21
    for m in MUNICIPALITIES:
        assert len(m.ags) == 8 and m.ags.startswith("06")
        assert len(m.ars) == 12 and m.ars.startswith(m.ags[:5])
        assert m.postal_codes, m.name


def _is_asked_namesake(m, text: str) -> bool:
    return m.ags in ASKED_NAMESAKES and normalise(text) in {
        normalise(v) for v in spellings(ASKED_NAMESAKES[m.ags])
    }


def test_every_municipality_resolves_from_its_official_and_short_name() -> None:
    ambiguous_bases = set()
    for m in MUNICIPALITIES:
        for name in (m.name, m.short_name, m.name.upper(), m.short_name.lower()):
            result = INDEX.resolve(name)
            if _is_asked_namesake(m, name):
                assert result.status == "ambiguous" and result.candidates == (m,), (name, result)
                continue
            assert result.status == "found", (name, result)
            assert result.municipality == m, (name, result.municipality)
        ambiguous_bases.add(m.short_name.split(" (")[0])
    assert "Homberg" in ambiguous_bases


def test_every_municipality_resolves_without_umlauts() -> None:
    for m in MUNICIPALITIES:
        for spelling in spellings(m.short_name):
            result = INDEX.resolve(spelling)
            if _is_asked_namesake(m, spelling):
                assert m in result.candidates and result.outside_options, (spelling, result)
                continue
            assert result.municipality == m, (spelling, result)


def test_all_422_municipalities_keep_every_name_variant() -> None:
    """Every form the NLU tags for a municipality still resolves to it (issue 12 regression).

    The only changes are deliberate: bare names asked back because of a namesake outside
    Hessen (Weimar, Münster, Fürth, Neustadt) and short forms that are also a listed
    district (Höchst = Höchst i. Odw. or Frankfurt-Höchst; Allendorf also in Gießen).
    """
    assert len(MUNICIPALITIES) == 422
    changed = []
    checked = 0
    for m in MUNICIPALITIES:
        for variant in INDEX.name_variants(m):
            for spelling in sorted(spellings(variant)):
                checked += 1
                result = INDEX.resolve(spelling)
                key = normalise(spelling)
                if _is_asked_namesake(m, spelling):
                    assert result.status == "ambiguous" and m in result.candidates, spelling
                elif key in DISTRICT_SHORT_FORMS:
                    assert result.status == "ambiguous" and m in result.candidates, spelling
                    assert result.districts, spelling
                elif result.status == "ambiguous":
                    # Names several municipalities share ("Homberg") stay ambiguous.
                    assert m in result.candidates, spelling
                elif result.municipality != m:
                    changed.append((spelling, result.status))
    assert checked > 700
    assert not changed, changed[:10]


def _one_typo(name: str) -> str:
    """Drop an ASCII letter in the middle of the longest word (a typical slip)."""
    longest = max(name.split(), key=len)
    middle = len(longest) // 2
    while middle < len(longest) - 1 and not longest[middle].isascii():
        middle += 1
    return name.replace(longest, longest[:middle] + longest[middle + 1 :], 1)


def test_one_typo_resolves_for_names_of_five_letters_or_more() -> None:
    failures = []
    district_names = {normalise(n) for d in INDEX.districts() for n in d.names}
    for m in MUNICIPALITIES:
        if len(m.short_name) < 6:
            continue
        typo = _one_typo(m.short_name)
        if INDEX.resolve(typo).status == "found" and typo in {n.short_name for n in MUNICIPALITIES}:
            continue  # the slip made another real name ("Lorsch" -> "Lorch")
        if normalise(typo) in district_names:
            continue  # the slip made a real district ("Wartenberg" -> "Warteberg" in Kassel)
        result = INDEX.resolve(typo)
        if m not in (result.municipality, *result.candidates):
            failures.append((typo, result.status))
    assert not failures, failures[:10]


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("Frankfurt", "Frankfurt am Main"),
        ("Bad Homburg", "Bad Homburg v. d. Höhe"),
        ("Bad Homburg vor der Höhe", "Bad Homburg v. d. Höhe"),
        ("Marburg", "Marburg"),
        ("Offenbach", "Offenbach am Main"),
        ("Ruesselsheim", "Rüsselsheim am Main"),
        ("Offenbch", "Offenbach am Main"),
        ("Marbrug", "Marburg"),
        ("34117", "Kassel"),
        ("Homberg im Schwalm-Eder-Kreis", "Homberg (Efze)"),
        ("Homberg im Vogelsbergkreis", "Homberg (Ohm)"),
        ("Wo ist das Standesamt in Rüsselsheim?", "Rüsselsheim am Main"),
        ("06534014", "Marburg"),
        ("065340014014", "Marburg"),
        ("Limburg an der Lahn", "Limburg a. d. Lahn"),
        ("Mörfelden Walldorf", "Mörfelden-Walldorf"),
    ],
)
def test_forms_people_type(text: str, label: str) -> None:
    result = INDEX.resolve(text)
    assert result.status == "found", result
    assert result.municipality is not None and result.municipality.label == label


@pytest.mark.parametrize(
    ("text", "labels"),
    [
        ("Homberg", {"Homberg (Efze)", "Homberg (Ohm)"}),
        ("Lautertal", {"Lautertal (Odenwald)", "Lautertal (Vogelsberg)"}),
        ("Reichelsheim", {"Reichelsheim (Odenwald)", "Reichelsheim (Wetterau)"}),
    ],
)
def test_ambiguous_names_return_candidates(text: str, labels: set[str]) -> None:
    result = INDEX.resolve(text)
    assert result.status == "ambiguous"
    assert {m.label for m in result.candidates} == labels


def test_a_postal_code_shared_by_several_municipalities_is_ambiguous() -> None:
    with MUNICIPALITIES_CSV.open(encoding="utf-8") as handle:
        owners: dict[str, set[str]] = {}
        for row in csv.DictReader(handle):
            for code in row["plz"].split():
                owners.setdefault(code, set()).add(row["ags"])
    shared = sorted(code for code, ags in owners.items() if len(ags) > 1)
    assert shared, "the data should contain postal codes shared by municipalities"
    result = INDEX.resolve(shared[0])
    assert result.status == "ambiguous"
    assert {m.ags for m in result.candidates} == owners[shared[0]]


@pytest.mark.parametrize(
    ("text", "land"), [("München", "Bayern"), ("in Berlin", "Berlin"), ("Koeln", "Nordrhein-Westfalen")]
)
def test_places_outside_hessen_are_recognised(text: str, land: str) -> None:
    result = INDEX.resolve(text)
    assert result.status == "outside_hessen"
    assert result.land == land


@pytest.mark.parametrize(
    "text",
    [
        "",
        "Atlantis",
        "Ich brauche eine Geburtsurkunde bitte",
        "Kann ich Wohngeld online beantragen?",
        "Hallo, ich habe eine Frage zu meinem Personalausweis",
        "<script>alert(1)</script>",
        "👍🙂",
        "x" * 10_000,
    ],
)
def test_text_without_a_place_is_unknown(text: str) -> None:
    assert INDEX.resolve(text).status == "unknown"


def test_a_kreis_alone_is_reported_without_a_municipality() -> None:
    result = INDEX.resolve("Kreis Offenbach")
    assert result.status == "unknown"
    assert result.kreis == "Landkreis Offenbach"


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("Ich wohne in Kassel, bin aber in Marburg geboren", "Marburg"),
        ("wohne in Kassel, geboren in Marburg", "Marburg"),
        ("Ich lebe in Fulda und meine Mutter ist in Hanau verstorben", "Hanau"),
        ("Wir haben in Wiesbaden geheiratet und wohnen jetzt in Gießen", "Wiesbaden"),
        # A denied event place is none; "sondern" names the real one.
        (
            "Ich bin gar nicht in Kassel geboren, sondern in Eschwege, meine Eltern wohnen noch dort.",
            "Eschwege",
        ),
        ("I was not born in Kassel but in Fulda", "Fulda"),
        # "Entbindung" is a birth; the residence clause is none.
        (
            "Wir wohnen in Bad Vilbel, die Entbindung ist aber im Bürgerhospital in Frankfurt geplant",
            "Frankfurt",
        ),
        # The told event decides, not the certificate's name asked about two places.
        (
            "Die Entbindung ist aber im Bürgerhospital in Frankfurt geplant. Wo gibt es dann die "
            "Geburtsurkunde – in Bad Vilbel oder in Frankfurt?",
            "Frankfurt",
        ),
        # English past tense of residence.
        ("My parents lived in Friedberg at that time, but I was born in Bad Nauheim.", "Bad Nauheim"),
        # "aber" as a particle keeps the residence's place in its clause.
        ("Ich bin in Erbach geboren, wohne jetzt aber in Michelstadt.", "Erbach"),
        ("Geboren bin ich aber in Schlüchtern, wohne in Fulda", "Schlüchtern"),
    ],
)
def test_event_place_wins_over_residence(text: str, label: str) -> None:
    result = INDEX.resolve(event_place_text(text))
    assert result.municipality is not None and result.municipality.label.startswith(label)


_DIED_THERE = (
    "Mein Onkel ist vor zwei Wochen gestorben. Er hat über 40 Jahre in Mainz-Kastel gewohnt und ist "
    "auch dort zu Hause eingeschlafen. Wo bekomme ich die Sterbeurkunde?"
)


@pytest.mark.parametrize(
    ("text", "label"),
    [
        # An event "there": the place of the clause before.
        (_DIED_THERE, "Wiesbaden"),
        # The event clause names no place, the next clause (not about residence) does.
        (
            "Wir wohnen ja in Butzbach, und unsere Kleine ist im März auf die Welt gekommen, allerdings "
            "nicht bei uns, sondern im Krankenhaus in Bad Nauheim. Wo bekomme ich die Geburtsurkunde?",
            "Bad Nauheim",
        ),
        # "aber" splits the event word from its place: the next clause, not the town named later.
        (
            "Ich wohne seit zwanzig Jahren in Korbach. Geboren bin ich aber in Schlüchtern, da haben meine "
            "Eltern damals gewohnt. Mein Mann sagt, die Urkunde bekomme ich im Rathaus hier in Korbach.",
            "Schlüchtern",
        ),
    ],
)
def test_an_event_place_in_another_clause(text: str, label: str) -> None:
    result = INDEX.resolve(event_place_text(text))
    assert result.municipality is not None and result.municipality.label.startswith(label)


def test_a_place_where_the_event_happened_too_is_no_mere_residence() -> None:
    from bot.knowledge.ereignisort import lives_there

    assert not lives_there(_DIED_THERE, "Mainz-Kastel")
    assert lives_there("Wir wohnen in Fulda. Er ist in Kassel gestorben.", "Fulda")


# --- Issue 12: places that are not municipality names --------------------------------------
@pytest.mark.parametrize(
    ("text", "district"),
    [
        ("Mainz-Kastel", "Mainz-Kastel"),
        ("Mainz-Kostheim", "Mainz-Kostheim"),
        ("Mainz-Amöneburg", "Mainz-Amöneburg"),
        ("Mainz Kastel", "Mainz-Kastel"),
        ("Kastel", "Mainz-Kastel"),
        ("Kostheim", "Mainz-Kostheim"),
        ("Ich bin in Mainz-Kastel geboren", "Mainz-Kastel"),
        ("Wiesbaden-Biebrich", "Biebrich"),
        ("Biebrich", "Biebrich"),
    ],
)
def test_akk_and_other_wiesbaden_districts_are_wiesbaden(text: str, district: str) -> None:
    # ortsteile_hessen.yml (Wiesbaden): Amöneburg, Kastel and Kostheim (AKK) belong to Wiesbaden, not Mainz.
    result = INDEX.resolve(text)
    assert result.status == "found", result
    assert result.municipality is not None and result.municipality.label == "Wiesbaden"
    assert result.district == district


def test_kastel_is_no_longer_kassel_and_amoeneburg_alone_is_still_the_town() -> None:
    assert _label("Kastel") == "Wiesbaden"
    assert _label("Amöneburg") == "Amöneburg"
    assert INDEX.resolve("Amöneburg").municipality.kreis == "Landkreis Marburg-Biedenkopf"  # type: ignore[union-attr]
    assert INDEX.resolve("Mainz").status == "outside_hessen"
    # Another Mainz district is in Rheinland-Pfalz: the hyphen form must not make it Hessian.
    assert INDEX.resolve("Mainz-Gonsenheim").land == "Rheinland-Pfalz"


@pytest.mark.parametrize(
    ("text", "place", "land"),
    [
        ("Frankfurt (Oder)", "Frankfurt (Oder)", "Brandenburg"),
        ("Frankfurt/Oder", "Frankfurt (Oder)", "Brandenburg"),
        ("Frankfurt an der Oder", "Frankfurt (Oder)", "Brandenburg"),
        ("geboren in Frankfurt an der Oder", "Frankfurt (Oder)", "Brandenburg"),
        ("15230 Frankfurt", "Frankfurt (Oder)", "Brandenburg"),
        ("Neustadt an der Weinstraße", "Neustadt an der Weinstraße", "Rheinland-Pfalz"),
        ("Neustadt/Weinstraße", "Neustadt an der Weinstraße", "Rheinland-Pfalz"),
        ("Offenbach an der Queich", "Offenbach an der Queich", "Rheinland-Pfalz"),
        ("Weimar in Thüringen", "Weimar (Thüringen)", "Thüringen"),
        ("Weimar (Thüringen)", "Weimar (Thüringen)", "Thüringen"),
        ("99423 Weimar", "Weimar (Thüringen)", "Thüringen"),
        ("Münster in Westfalen", "Münster (Westfalen)", "Nordrhein-Westfalen"),
        ("Münster NRW", "Münster (Westfalen)", "Nordrhein-Westfalen"),
        ("Fürth in Bayern", "Fürth (Bayern)", "Bayern"),
    ],
)
def test_a_namesake_outside_hessen_named_with_its_suffix_stays_outside(
    text: str, place: str, land: str
) -> None:
    result = INDEX.resolve(text)
    assert result.status == "outside_hessen", result
    assert (result.place, result.land) == (place, land)


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("Frankfurt", "Frankfurt am Main"),
        ("frankfurt", "Frankfurt am Main"),
        ("Standesamt Frankfurt", "Frankfurt am Main"),
        ("Offenbach", "Offenbach am Main"),
        ("60311 Frankfurt", "Frankfurt am Main"),
        ("35096 Weimar", "Weimar (Lahn)"),
        ("Weimar (Lahn)", "Weimar (Lahn)"),
        ("Weimar an der Lahn", "Weimar (Lahn)"),
        ("Münster (Hessen)", "Münster (Hessen)"),
        ("Münster bei Dieburg", "Münster (Hessen)"),
        ("Fürth im Odenwald", "Fürth"),
        ("Neustadt (Hessen)", "Neustadt (Hessen)"),
        ("Münster im Landkreis Darmstadt-Dieburg", "Münster (Hessen)"),
    ],
)
def test_the_hessian_namesake_wins_where_the_text_or_usage_says_so(text: str, label: str) -> None:
    # Rule: a bare name stays Hessian when the Hessian place is the big, well-known one
    # (Frankfurt am Main, Offenbach am Main); a suffix, Kreis or postal code decides too.
    result = INDEX.resolve(text)
    assert result.status == "found", result
    assert result.municipality is not None and result.municipality.label == label


def test_frankfurt_oder_offenbach_is_a_question_about_two_hessian_cities() -> None:
    # "oder" is also the word "or": only the punctuated forms name Frankfurt (Oder).
    result = INDEX.resolve("Frankfurt oder Offenbach")
    assert {m.label for m in result.candidates} == {"Frankfurt am Main", "Offenbach am Main"}


@pytest.mark.parametrize(
    ("text", "hessian", "outside"),
    [
        ("Weimar", "Weimar (Lahn)", "Weimar (Thüringen)"),
        ("in Weimar", "Weimar (Lahn)", "Weimar (Thüringen)"),
        ("Neustadt", "Neustadt (Hessen)", "Neustadt an der Weinstraße"),
        ("Münster", "Münster (Hessen)", "Münster (Westfalen)"),
        ("Fürth", "Fürth", "Fürth (Bayern)"),
        ("Geburtsurkunde aus Fürth", "Fürth", "Fürth (Bayern)"),
    ],
)
def test_a_bare_name_with_a_better_known_namesake_is_asked_back(
    text: str, hessian: str, outside: str
) -> None:
    result = INDEX.resolve(text)
    assert result.status == "ambiguous"
    assert [m.label for m in result.candidates] == [hessian]
    assert [place for place, _ in result.outside_options] == [outside]
    # The button payloads resolve exactly.
    assert INDEX.resolve(result.candidates[0].ags).municipality == result.candidates[0]
    assert INDEX.resolve(outside).status == "outside_hessen"


@pytest.mark.parametrize(
    ("text", "label", "district"),
    [
        ("Frankfurt-Höchst", "Frankfurt am Main", "Höchst"),
        ("Höchst in Frankfurt", "Frankfurt am Main", "Höchst"),
        ("Frankfurt Höchst", "Frankfurt am Main", "Höchst"),
        ("Hoechst bei Frankfurt am Main", "Frankfurt am Main", "Höchst"),
        ("Ich wurde in Frankfurt-Höchst geboren", "Frankfurt am Main", "Höchst"),
        ("Frankfurt-Griesheim", "Frankfurt am Main", "Griesheim"),
        ("Sachsenhausen", "Frankfurt am Main", "Sachsenhausen"),
        ("Kassel-Wilhelmshöhe", "Kassel", "Bad Wilhelmshöhe"),
        ("Wilhelmshöhe", "Kassel", "Bad Wilhelmshöhe"),
        ("Darmstadt-Eberstadt", "Darmstadt", "Eberstadt"),
        ("Eberstadt", "Darmstadt", "Eberstadt"),
        ("Darmstadt-Mitte", "Darmstadt", "Mitte"),
        ("Offenbach-Bieber", "Offenbach am Main", "Bieber"),
        ("Bad Homburg-Kirdorf", "Bad Homburg v. d. Höhe", "Kirdorf"),
        ("Fulda-Lehnerz", "Fulda", "Lehnerz"),
        ("Gießen-Wieseck", "Gießen", "Wieseck"),
        ("Allendorf an der Lahn", "Gießen", "Allendorf"),
        ("Hanau-Steinheim", "Hanau", "Steinheim"),
        ("Marburg-Cappel", "Marburg", "Cappel"),
        ("Rüsselsheim-Königstädten", "Rüsselsheim am Main", "Königstädten"),
        ("Wetzlar-Naunheim", "Wetzlar", "Naunheim"),
    ],
)
def test_a_district_of_a_hessian_town_resolves_to_the_town(text: str, label: str, district: str) -> None:
    result = INDEX.resolve(text)
    assert result.status == "found", result
    assert result.municipality is not None and result.municipality.label == label
    assert result.district == district


@pytest.mark.parametrize(
    ("text", "label", "district"),
    [
        ("Lich-Eberstadt", "Lich", "Eberstadt"),
        ("Geburtsurkunde aus Lich-Eberstadt bitte", "Lich", "Eberstadt"),
        ("Alsfeld-Eudorf", "Alsfeld", "Eudorf"),
        ("Korbach-Lengefeld", "Korbach", "Lengefeld"),
        ("Bad Hersfeld-Hohe Luft", "Bad Hersfeld", "Hohe"),
    ],
)
def test_the_town_district_hyphen_form_works_for_every_municipality(
    text: str, label: str, district: str
) -> None:
    result = INDEX.resolve(text)
    assert result.status == "found", result
    assert result.municipality is not None and result.municipality.label == label
    assert result.district == district


@pytest.mark.parametrize(
    ("text", "labels"),
    [
        ("Mörfelden-Walldorf", {"Mörfelden-Walldorf"}),
        ("Bad Soden-Salmünster", {"Bad Soden-Salmünster"}),
        ("Bad Sooden-Allendorf", {"Bad Sooden-Allendorf"}),
        ("Groß-Gerau", {"Groß-Gerau"}),
        ("Darmstadt-Dieburg", {"Darmstadt", "Dieburg"}),
    ],
)
def test_hyphenated_municipality_names_are_not_districts(text: str, labels: set[str]) -> None:
    result = INDEX.resolve(text)
    assert result.district is None
    found = {result.municipality.label} if result.municipality else {m.label for m in result.candidates}
    assert found == labels


def test_a_district_named_like_another_municipality_is_asked_only_without_a_hint() -> None:
    hoechst = INDEX.resolve("Höchst")
    assert hoechst.status == "ambiguous"
    assert {m.label for m in hoechst.candidates} == {"Frankfurt am Main", "Höchst i. Odw."}
    assert dict(hoechst.districts) == {"06412000": "Höchst"}
    assert _label("Höchst im Odenwald") == "Höchst i. Odw."
    assert _label("Höchst i. Odw.") == "Höchst i. Odw."
    assert _label("Höchst in Frankfurt") == "Frankfurt am Main"
    # An official name always means the municipality: Griesheim is the town, not the district.
    assert _label("Griesheim") == "Griesheim"
    assert _label("Ich bin in Griesheim geboren") == "Griesheim"
    assert _label("Kalbach") == "Kalbach"
    allendorf = INDEX.resolve("Allendorf")
    assert {m.label for m in allendorf.candidates} == {"Allendorf (Eder)", "Allendorf (Lumda)", "Gießen"}


@pytest.mark.parametrize(
    "text", ["Mitte", "Westend", "Innenstadt", "Hafen", "Wolfgang", "ich heiße Wolfgang"]
)
def test_generic_district_names_need_their_town(text: str) -> None:
    assert INDEX.resolve(text).status == "unknown"


def test_district_list_is_sourced_and_covers_every_required_city() -> None:
    data = yaml.safe_load(DISTRICTS_YML.read_text(encoding="utf-8"))
    sourced = set(load_source_titles())
    required = {
        "Frankfurt am Main", "Wiesbaden", "Kassel", "Darmstadt", "Offenbach am Main",
        "Bad Homburg v. d. Höhe", "Fulda", "Gießen", "Hanau", "Marburg", "Rüsselsheim am Main", "Wetzlar",
    }  # fmt: skip
    # Double towns: the parts of a name joined from two former towns (session 19).
    double_towns = {
        "Bad Soden-Salmünster", "Bad Sooden-Allendorf", "Mörfelden-Walldorf", "Ginsheim-Gustavsburg",
        "Seeheim-Jugenheim",
        # Formed in 2018 from four municipalities whose names citizens still use.
        "Oberzent",
    }  # fmt: skip
    assert set(data["staedte"]) == required | double_towns
    for name, town in data["staedte"].items():
        m = INDEX.by_ags(town["ags"])
        assert m is not None and m.label == name
        assert town["quellen"] and town["stand"], name
        for url in town["quellen"]:
            assert url in sourced, url
    labels = [INDEX.by_ags(d.ags).label for d in INDEX.districts()]  # type: ignore[union-attr]
    counts = {town: labels.count(town) for town in required}
    assert counts["Frankfurt am Main"] >= 46 and counts["Wiesbaden"] == 26 and counts["Kassel"] == 23
    assert counts["Darmstadt"] == 9 and counts["Offenbach am Main"] == 21 and counts["Fulda"] == 24


def test_every_listed_district_resolves_with_its_town() -> None:
    failures = []
    for district in INDEX.districts():
        town = INDEX.by_ags(district.ags)
        assert town is not None
        for text in (f"{town.label}-{district.name}", f"{district.name} in {town.label}"):
            result = INDEX.resolve(text)
            if result.municipality != town:
                failures.append((text, result.status))
    assert not failures, failures[:10]


# --- Shared Standesämter (standesamtsbezirke.yml) ----------------------------------------------------
def test_shared_standesamt_districts_match_facts_2026() -> None:
    bezirke = load_standesamtsbezirke()
    assert len(bezirke) == 5
    assert sum(len(b.mitglieder) for b in bezirke) == 20
    sourced = set(load_source_titles())
    for bezirk in bezirke:
        assert bezirk.sitz in bezirk.mitglieder
        assert all(INDEX.by_ags(a) is not None for a in bezirk.mitglieder)
        assert bezirk.quellen and all(url in sourced for url in bezirk.quellen)
        assert bezirk.gesichert or bezirk.unsicher  # uncertain ones say why
    uncertain = {INDEX.by_ags(b.sitz).label for b in bezirke if not b.gesichert}  # type: ignore[union-attr]
    assert uncertain == {"Helsa", "Kelkheim (Taunus)"}


@pytest.mark.parametrize(
    ("member", "seat"),
    [
        ("Battenberg (Eder)", "Allendorf (Eder)"),
        ("Bromskirchen", "Allendorf (Eder)"),
        ("Haina (Kloster)", "Frankenberg (Eder)"),
        ("Kaufungen", "Helsa"),
        ("Eppstein", "Kelkheim (Taunus)"),
        ("Münster (Hessen)", "Dieburg"),
        ("Groß-Zimmern", "Dieburg"),
    ],
)
def test_a_member_of_a_shared_standesamt_finds_its_seat(member: str, seat: str) -> None:
    m = INDEX.resolve(member).municipality
    assert m is not None and m.label == member
    bezirk = standesamtsbezirk_of(m.ags)
    assert bezirk is not None and INDEX.by_ags(bezirk.sitz).label == seat  # type: ignore[union-attr]


def test_mandates_are_sourced_and_no_member_of_a_joint_district() -> None:
    from bot.knowledge.ereignisort import load_mandate, mandat_of

    sourced = set(load_source_titles())
    mandate = load_mandate()
    assert {(INDEX.by_ags(m.gemeinde).label, INDEX.by_ags(m.standesamt).label) for m in mandate} == {  # type: ignore[union-attr]
        ("Kriftel", "Hofheim am Taunus"),
        ("Zwingenberg", "Bensheim"),
    }
    for mandat in mandate:
        assert mandat.quellen and all(url in sourced for url in mandat.quellen)
        assert mandat.gesichert or mandat.unsicher
        assert standesamtsbezirk_of(mandat.gemeinde) is None
    assert mandat_of(INDEX.resolve("Marburg").municipality.ags) is None  # type: ignore[union-attr]


def test_a_municipality_with_its_own_standesamt_has_no_shared_district() -> None:
    assert standesamtsbezirk_of(INDEX.resolve("Marburg").municipality.ags) is None  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("text", "label"),
    [("Allendorf an der Lumda", "Allendorf (Lumda)"), ("Lautertal im Odenwald", "Lautertal (Odenwald)")],
)
def test_a_name_with_its_river_or_region_in_words(text: str, label: str) -> None:
    result = load_municipalities().resolve(text)
    assert result.status == "found" and result.municipality is not None
    assert result.municipality.label.startswith(label)
    # Official names with "am" stay as they are; a bare shared name is still asked back.
    assert load_municipalities().resolve("Homberg").status == "ambiguous"


def test_a_river_in_the_name_is_no_second_town() -> None:
    """ "Rotenburg Fulda": Fulda is the river of Rotenburg a. d. Fulda, not the town Fulda."""
    assert _label("Eheurkunde Rotenburg Fulda") == "Rotenburg a. d. Fulda"
    assert _label("Fulda") == "Fulda"
    assert INDEX.resolve("Homberg").status == "ambiguous"


@pytest.mark.parametrize(
    ("text", "status", "label"),
    [
        ("Isch bin in Sachsehause uff die Welt komme", "found", "Frankfurt am Main"),
        ("Offebach", "found", "Offenbach am Main"),
        ("Seligestadt", "found", "Seligenstadt"),
        ("Aschaffeburg", "outside_hessen", None),
    ],
)
def test_a_place_name_in_hessian_dialect_without_its_n(text: str, status: str, label: str | None) -> None:
    result = INDEX.resolve(text)
    assert result.status == status
    assert (result.municipality.label if result.municipality else None) == label


def test_zu_hause_is_no_place_named_hausen() -> None:
    assert INDEX.resolve("Mein Vater ist zu Hause gestorben").status == "unknown"


def test_a_place_named_only_as_residence() -> None:
    from bot.knowledge.ereignisort import named_as_residence

    assert named_as_residence(
        "Wir haben aber in Viernheim gewohnt. Muss ich dann nicht nach Viernheim?", "Viernheim"
    )
    assert not named_as_residence("Er hat in Viernheim gewohnt und ist dort gestorben.", "Viernheim")
    assert not named_as_residence("Und in Viernheim?", "Viernheim")


def test_a_denied_place_after_an_event_word_is_not_its_place() -> None:
    text = (
        "Da steht eine aktuelle Geburtsurkunde drauf. Ich bin allerdings gar nicht in Kassel geboren, "
        "sondern in Eschwege, meine Eltern sind erst hergezogen."
    )
    assert INDEX.resolve(event_place_text(text)).municipality == INDEX.resolve("Eschwege").municipality


def test_the_place_of_the_certificate_asked_for_wins_over_another_event() -> None:
    text = (
        "Wir heiraten im Mai in Michelstadt. Was müssen wir vorher alles erledigen? "
        "Ich selbst bin übrigens in Erbach geboren und brauche wohl noch eine Geburtsurkunde."
    )
    erbach = INDEX.resolve(event_place_text(text, "geburtsurkunde")).municipality
    assert erbach is not None and erbach.label.startswith("Erbach")
    assert INDEX.resolve(event_place_text(text)).status == "ambiguous"


def test_a_particle_aber_does_not_split_a_residence_from_its_place() -> None:
    from bot.knowledge.ereignisort import lives_there

    assert lives_there("Wir haben hier geheiratet, wohnen jetzt aber in Kassel.", "Kassel")
    # A new clause after "aber" with a place of its own is still split off.
    assert not lives_there("Er ist in Fulda gestorben, aber in Kassel beerdigt.", "Kassel")


@pytest.mark.parametrize(
    "text",
    [
        "Wie lange dauert das?",
        "Das hilft mir nicht weiter",
        "Ich habe im Portal nichts gefunden",
        "Meine Krankenkassen will die Urkunde",
    ],
)
def test_an_ordinary_word_is_no_misspelt_place(text: str) -> None:
    assert INDEX.resolve(text).status == "unknown"


@pytest.mark.parametrize(
    ("text", "label"), [("in Gieße gebore", "Gießen"), ("Geburtsurkunde Offenbch", "Offenbach")]
)
def test_a_misspelt_or_spoken_name_is_still_the_place(text: str, label: str) -> None:
    found = INDEX.resolve(text).municipality
    assert found is not None and found.label.startswith(label)


def test_every_ordinary_word_is_one_typo_from_a_name_and_no_name() -> None:
    from bot.knowledge.municipalities import damerau_at_most_one, ordinary_words

    keys = INDEX.all_keys()
    fuzzy = [k for group in INDEX.fuzzy_keys().values() for k in group]
    for word in ordinary_words():
        assert word not in keys, word
        assert any(damerau_at_most_one(word, key) for key in fuzzy if abs(len(key) - len(word)) <= 1), word


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # The parts of a double town are that town, not a typo of another one.
        ("Salmünster", ["Bad Soden-Salmünster"]),
        ("Bad Sooden", ["Bad Sooden-Allendorf"]),
        ("Walldorf", ["Mörfelden-Walldorf"]),
        ("Ich bin in Gustavsburg geboren", ["Ginsheim-Gustavsburg"]),
        ("Jugenheim", ["Seeheim-Jugenheim"]),
        # Oberzent's former municipalities (merged 2018, round 52).
        ("Beerfelden", ["Oberzent"]),
        ("Hesseneck", ["Oberzent"]),
        # "Bad Soden" names both towns: ask.
        ("Bad Soden", ["Bad Soden am Taunus", "Bad Soden-Salmünster"]),
        ("Geburtsurkunde Bad Soden", ["Bad Soden am Taunus", "Bad Soden-Salmünster"]),
        # A longer name or a district with its town stays as it was.
        ("Bad Soden am Taunus", ["Bad Soden am Taunus"]),
        ("Mainz-Amöneburg", ["Wiesbaden"]),
    ],
)
def test_parts_of_double_towns_find_their_town(text: str, expected: list[str]) -> None:
    result = INDEX.resolve(text)
    found = (
        [result.municipality.short_name]
        if result.municipality
        else sorted(c.short_name for c in result.candidates)
    )
    assert found == expected


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("Bad Soden", "Mei Mudder is in Bad Soden gestorbe, die im Taunus", "Bad Soden am Taunus"),
        ("Bad Soden", "Bad Soden im Main-Kinzig-Kreis", "Bad Soden-Salmünster"),
        ("Homberg", "Homberg, das an der Efze", "Homberg (Efze)"),
        # The qualifier typed with a slip (round 50): Frankfurt's district Höchst.
        ("höchst", "gebursturkunde bestelen frankfrut höchst", "Frankfurt am Main"),
        # Short words must be exact: "Main" with a slip qualifies nothing.
        ("Bad Soden", "Bad Soden am Mian", None),
        # Nothing qualifies it, or a name that is not ambiguous: no choice is made here.
        ("Lautertal", "Geburtsurkunde Lautertal", None),
        ("Kassel", "Kassel im Taunus", None),
    ],
)
def test_a_qualifier_in_the_message_picks_one_of_an_ambiguous_names_towns(
    name: str, text: str, expected: str | None
) -> None:
    meant = INDEX.qualified(name, text)
    assert (meant.short_name if meant else None) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Round 53: the city first, then its district, which is another town's name too.
        ("Unser Sohn ist in Maintal-Bischofsheim geboren", "Maintal"),
        ("Maintal-Bischofsheim", "Maintal"),
        # Two towns named side by side stay a question; a double town stays itself.
        ("Maintal und Bischofsheim", None),
        ("Mörfelden-Walldorf", "Mörfelden-Walldorf"),
    ],
)
def test_a_city_district_compound_names_the_city(text: str, expected: str | None) -> None:
    result = INDEX.resolve(text)
    assert (
        result.municipality.short_name if result.status == "found" and result.municipality else None
    ) == expected
