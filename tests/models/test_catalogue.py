"""The indicator catalogue: the shipped one whole, and a file with keys it does not know refused."""

import pytest

from models.assessment.catalogue import DEFAULT_CATALOGUE, load_catalogue
from models.kernel.problems import InputError


def test_the_shipped_catalogue_keeps_names_with_commas_whole():
    catalogue = load_catalogue(DEFAULT_CATALOGUE)
    assert len(catalogue.codes) == 39
    names = {code: catalogue.indicator(code).name_vi for code in catalogue.codes}
    assert names["2.7"] == "Khu vực sản xuất nông, lâm, ngư nghiệp"
    assert names["2.8"] == "Công nghiệp, thương mại và tiêu dùng"
    assert names["3.2"] == "Thể thao, giải trí và thư giãn"
    assert names["3.3"] == "Di cư, hòa nhập dân tộc và xã hội"
    assert names["3.12"] == "Trẻ em, thanh niên và người cao tuổi"
    assert names["1.1"] == "Quản lý chất lượng tổng thể"  # the programme's own term


def test_unknown_keys_are_refused_with_their_line(tmp_path):
    text = DEFAULT_CATALOGUE.read_text(encoding="utf-8")
    unquoted = text.replace(
        'name_vi: "Khu vực sản xuất nông, lâm, ngư nghiệp"',
        "name_vi: Khu vực sản xuất nông, lâm, ngư nghiệp",
    )
    unquoted = unquoted.replace("edition:", "editon: x\nedition:", 1)
    path = tmp_path / "catalogue.yaml"
    path.write_text(unquoted, encoding="utf-8")
    with pytest.raises(InputError) as exc:
        load_catalogue(path)
    message = str(exc.value)
    line_of_27 = next(n for n, line in enumerate(unquoted.splitlines(), 1) if 'code: "2.7"' in line)
    assert f"{path}:{line_of_27}: pillars[1].indicators[6].lâm: unknown key" in message
    assert "must be quoted" in message
    assert f"{path}:12: editon: unknown key" in message
