"""Every action the code writes to the audit log has a Vietnamese label, and the log shows it.

The action keys are read from the source: the first argument (or ``action=``) of every call
to ``audit.record`` and of every helper that passes its own parameter on to it, through
``if``/``else`` choices and f-strings such as ``f"award.{which.kind}.remove"`` (whose
placeholder takes the values the module gives that dataclass field).
"""

from __future__ import annotations

import ast
import datetime as dt
import functools
import itertools
from pathlib import Path

import pytest

from tracker.audit.labels import ACTION_GROUPS, ACTION_LABELS, action_label
from tracker.extensions import db
from tracker.services import audit

from .reporting import user

SOURCE = Path(__file__).resolve().parent.parent / "tracker"


class UnreadableAction(Exception):
    pass


@functools.cache  # the source does not change during a run: parse it once
def _modules() -> dict[Path, ast.Module]:
    return {path: ast.parse(path.read_text("utf-8")) for path in sorted(SOURCE.rglob("*.py"))}


def _parents(tree: ast.AST) -> dict[ast.AST, ast.AST]:
    return {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}


def _enclosing_function(node, parents):
    while node in parents:
        node = parents[node]
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            return node
    return None


def _callee(call: ast.Call) -> str | None:
    if isinstance(call.func, ast.Attribute):
        owner = call.func.value.id if isinstance(call.func.value, ast.Name) else "?"
        return f"{owner}.{call.func.attr}"
    if isinstance(call.func, ast.Name):
        return call.func.id
    return None


def _field_values(tree: ast.Module, field: str) -> list[str]:
    """The string values a module gives the ``field`` of its dataclasses when it builds them."""
    values = []
    for cls in (n for n in ast.walk(tree) if isinstance(n, ast.ClassDef)):
        fields = [
            s.target.id
            for s in cls.body
            if isinstance(s, ast.AnnAssign) and isinstance(s.target, ast.Name)
        ]
        if field not in fields:
            continue
        position = fields.index(field)
        for call in ast.walk(tree):
            if not (isinstance(call, ast.Call) and _callee(call) == cls.name):
                continue
            given = {k.arg: k.value for k in call.keywords}
            node = call.args[position] if position < len(call.args) else given.get(field)
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                values.append(node.value)
    return values


def _keys(node: ast.AST, tree: ast.Module) -> list[str]:
    """Every action key an expression can produce."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        return _keys(node.body, tree) + _keys(node.orelse, tree)
    if isinstance(node, ast.JoinedStr):
        pieces = []
        for part in node.values:
            if isinstance(part, ast.Constant):
                pieces.append([part.value])
            elif isinstance(part.value, ast.Attribute):
                values = _field_values(tree, part.value.attr)
                if not values:
                    raise UnreadableAction(ast.unparse(node))
                pieces.append(values)
            else:
                raise UnreadableAction(ast.unparse(node))
        return ["".join(combination) for combination in itertools.product(*pieces)]
    raise UnreadableAction(ast.unparse(node))


@functools.cache
def written_actions() -> dict[str, list[str]]:
    """Action key -> where it is written ("tracker/services/reports.py:635")."""
    modules = _modules()
    # callee -> position of its action argument
    writers = {"audit.record": 0, "audit.record_changes": 0}
    found: dict[str, list[str]] = {}
    while True:
        new_writers = {}
        for path, tree in modules.items():
            parents = _parents(tree)
            for call in (n for n in ast.walk(tree) if isinstance(n, ast.Call)):
                callee = _callee(call)
                name = callee.split(".")[-1] if callee else None
                position = writers.get(callee, writers.get(name) if callee == name else None)
                if position is None:
                    continue
                keywords = {k.arg: k.value for k in call.keywords}
                node = call.args[position] if position < len(call.args) else keywords.get("action")
                assert node is not None, f"{path}:{call.lineno}: no action"
                function = _enclosing_function(call, parents)
                params = [a.arg for a in function.args.args] if function else []
                if isinstance(node, ast.Name) and node.id in params:
                    # A helper that passes its own parameter on: its callers write the action.
                    if function.name not in writers:
                        new_writers[function.name] = params.index(node.id)
                    continue
                where = f"{path.relative_to(SOURCE.parent)}:{call.lineno}"
                try:
                    keys = _keys(node, tree)
                except UnreadableAction as error:
                    pytest.fail(f"{where}: cannot read the audit action {error}")
                for key in keys:
                    found.setdefault(key, []).append(where)
        if not new_writers:
            return found
        writers.update(new_writers)


def test_the_source_scan_finds_the_known_writers():
    actions = written_actions()
    # Direct calls, if/else choices, a helper (awards._record) and its f-strings.
    for key in ("login.success", "report.approve", "user.deactivate", "user.reactivate"):
        assert key in actions
    for key in ("award.proposal.create", "award.cell.remove", "award.member.move"):
        assert key in actions
    assert "logout" in actions


def test_every_action_written_has_a_vietnamese_label():
    missing = {key: where for key, where in written_actions().items() if key not in ACTION_LABELS}
    assert not missing, f"add these actions to tracker/audit/labels.py: {missing}"


def test_every_label_names_an_action_the_code_writes():
    stale = set(ACTION_LABELS) - set(written_actions())
    assert not stale, f"no code writes these actions any more: {sorted(stale)}"


def test_labels_are_unique_and_each_action_is_in_one_group():
    keys = [key for _group, labels in ACTION_GROUPS for key in labels]
    assert len(keys) == len(set(keys))
    labels = list(ACTION_LABELS.values())
    assert len(labels) == len(set(labels))
    assert action_label("no.such_action") == "no.such_action"


def test_only_the_audit_service_builds_audit_rows():
    builders = [
        f"{path.relative_to(SOURCE.parent)}:{call.lineno}"
        for path, tree in _modules().items()
        for call in ast.walk(tree)
        if isinstance(call, ast.Call) and _callee(call) == "AuditEntry"
    ]
    assert len(builders) == 1 and builders[0].startswith("tracker/services/audit.py:"), builders


# --------------------------------------------------------------------------------------------
# The page


@pytest.fixture
def logged(app, users):
    with app.app_context():
        for action, summary, minute in (
            ("login.success", "Đăng nhập: danguy", 1),
            ("report.approve", "Duyệt báo cáo tháng 5", 2),
            ("some.unknown", "Việc lạ", 3),
        ):
            row = audit.record(action, actor=user("danguy"), object_type="test", summary=summary)
            row.at = dt.datetime(2022, 6, 1, 3, minute, tzinfo=dt.UTC)
        db.session.commit()


def test_the_log_shows_labels_and_keeps_the_key_in_a_title(client, auth, users, logged):
    auth.login(users["admin"])
    page = client.get("/audit/").text
    table = page.split("<tbody>", 1)[1]
    assert '<span class="audit-action" title="login.success"' in table
    assert ">Đăng nhập</span>" in table
    assert ">Duyệt báo cáo</span>" in table
    assert ">some.unknown</span>" in table  # an unknown key is shown as it is
    assert ">login.success<" not in table and ">report.approve<" not in table


def test_the_log_filters_by_action_with_labelled_options(client, auth, users, logged):
    auth.login(users["admin"])
    page = client.get("/audit/?action=report.approve").text
    assert "Duyệt báo cáo tháng 5" in page
    assert "Đăng nhập: danguy" not in page and "Việc lạ" not in page
    assert '<option value="report.approve" selected>Duyệt báo cáo</option>' in page
    assert '<optgroup label="Báo cáo sinh hoạt">' in page
    unknown = client.get("/audit/?action=some.unknown").text
    assert "Việc lạ" in unknown and "Duyệt báo cáo tháng 5" not in unknown
    assert '<option value="some.unknown" selected>some.unknown</option>' in unknown
