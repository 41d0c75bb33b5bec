"""The contract documentation is generated from the contracts and must match them."""

from conftest import ROOT
from workbook_helpers.data.contracts import DEMAND_LOG
from workbook_helpers.data.docs import contracts_page


def test_committed_contract_page_is_current():
    committed = (ROOT / "docs" / "data-contracts.md").read_text(encoding="utf-8")
    assert committed == contracts_page(), "docs/data-contracts.md is out of date: run `make docs`"


def test_every_contract_column_is_documented():
    page = contracts_page()
    for name, column in DEMAND_LOG.columns.items():
        assert f"| `{name}` | {'yes' if column.metadata['required'] else 'no'} |" in page


def test_readme_links_the_contract_page():
    assert "docs/data-contracts.md" in (ROOT / "README.md").read_text(encoding="utf-8")


def test_method_page_defines_every_team_performance_measure():
    from workbook_helpers.data.performance_measures import MEASURES

    method = (ROOT / "docs" / "method.md").read_text(encoding="utf-8")
    for m in MEASURES:
        assert f"| {m.label} | `{m.key}` |" in method and m.definition in method, m.key
