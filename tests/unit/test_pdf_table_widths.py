"""A printed table gives each column at least the width of its longest word, so no word
is cut in two ("Постав щик", "Учебно е завед ение" on the Russian annual report), and the
rest of the page's width to the columns whose texts are longest; a table whose words do
not fit at the body's size is printed smaller (down to 7 points); only one too wide even
so cuts words, as before."""

from __future__ import annotations

import io

import pypdf

from phalanx.adapters.exports import pdf


def _text(table: list[list[str]]) -> str:
    out = pdf.render(pdf.PdfDocument(title="T", marking="M", sections=[
        pdf.Section("S", table=table)]))
    return " ".join(" ".join(p.extract_text().split())
                    for p in pypdf.PdfReader(io.BytesIO(out)).pages)


def test_no_word_of_a_narrow_table_is_cut() -> None:
    header = ["Поставка", "Поставщик", "Получатель", "Предмет", "Количество",
              "Поставлено", "Стоимость (млн USD)"]
    text = _text([header, ["sup-rus-kaz-2026-1", "RUS", "KAZ",
                           "транспортные вертолёты", "4", "0", "48,0"]])
    for word in [*header, "sup-rus-kaz-2026-1", "транспортные", "вертолёты"]:
        assert word.split()[0] in text, (word, text)


def test_a_long_text_takes_the_room_the_short_ones_leave() -> None:
    long = "Joint communications between the battalions' command posts were slow"
    text = _text([["Exercise", "Finding", "Owner", "Due", "Status"],
                  ["Рубеж-2026", long, "joint-staff", "01.03.2027", "открыто"]])
    assert "Рубеж-2026" in text and "01.03.2027" in text and "joint-staff" in text


def test_widths_fill_the_page_and_keep_each_longest_word() -> None:
    rows = [["a", "Численность"], ["x " * 80, "1"]]
    widths = pdf.column_widths(rows, 400.0)
    assert widths is not None and abs(sum(widths) - 400.0) < 0.01
    assert widths[1] >= pdf.text_width("Численность", bold=True) + pdf.CELL_PADDING
    assert pdf.column_widths(rows, 50.0) is None  # the words alone are wider


def test_a_table_too_wide_at_the_bodys_size_is_printed_smaller() -> None:
    rows = [["Количество", "Поставлено", "Стоимость", "Получатель", "Поставщик",
             "Принимающая", "Численность"]]
    size, widths = pdf.table_layout(rows)
    assert size < pdf.FONT_SIZE and widths is not None
