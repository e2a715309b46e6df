"""In a real browser: the admin adds a secretary and imports members from the template."""

import pytest
from openpyxl import load_workbook

from .browser import fits_the_screen, shot, sign_in
from .conftest import DESKTOP, PHONE

NEW_PASSWORD = "bi-thu-moi-2023"


@pytest.mark.backends("sqlite")
def test_admin_adds_a_secretary_and_imports_members(
    live_server, browser_page, users, screenshots_dir, tmp_path
):
    page = browser_page(DESKTOP)
    sign_in(page, live_server, users["admin"].username)

    page.click("nav >> text=Quản trị")
    page.wait_for_url(live_server + "/admin/")
    shot(page, screenshots_dir, "admin-index-1366.png", full_page=True)

    page.click("a.admin-card:has-text('Tài khoản')")
    page.click("text=Tạo tài khoản")
    page.fill("input[name=username]", "bithu.phuochoab")
    page.fill("input[name=full_name]", "Huỳnh Thị Mai")
    page.select_option("select[name=role]", "secretary")
    page.select_option("select[name=cell]", label="Chi bộ ấp Phước Hòa B")
    page.fill("input[name=password]", NEW_PASSWORD)
    page.fill("input[name=password_again]", "go-nham-roi")
    page.click("button:has-text('Tạo tài khoản')")
    assert page.locator(".field__error").inner_text() == "Hai lần nhập mật khẩu không khớp nhau."
    assert page.input_value("input[name=username]") == "bithu.phuochoab"  # kept as typed
    shot(page, screenshots_dir, "admin-account-error-1366.png", full_page=True)

    page.fill("input[name=password]", NEW_PASSWORD)
    page.fill("input[name=password_again]", NEW_PASSWORD)
    page.click("button:has-text('Tạo tài khoản')")
    page.wait_for_url(live_server + "/admin/accounts")
    assert "Đã tạo tài khoản bithu.phuochoab (Bí thư chi bộ)." in page.inner_text(".flash")
    shot(page, screenshots_dir, "admin-accounts-1366.png", full_page=True)

    # Download the template, fill it in as a secretary of the hamlet would, import it.
    page.goto(live_server + "/admin/")
    page.click("text=Nhập đảng viên từ Excel")
    with page.expect_download() as download_info:
        page.click("text=Tải mẫu nhập (Excel)")
    download = download_info.value
    assert download.suggested_filename == "Mẫu nhập danh sách đảng viên.xlsx"
    template = tmp_path / "mau.xlsx"
    download.save_as(template)
    book = load_workbook(template)
    sheet = book["Đảng viên"]
    sheet.append(
        [
            None,
            "Lâm Thị Kiều",
            "Nữ",
            1990,
            "Hoa",
            "Dự bị",
            "Không",
            "Đảng viên",
            "ap-phuoc-hoa-b",
            "Có",
        ]
    )
    sheet.append(
        [
            None,
            "Sơn Văn Phol",
            "Nam",
            1970,
            "Khmer",
            "Chính thức",
            "Có",
            "Đảng viên",
            "ap-phuoc-hoa-b",
            "Có",
        ]
    )
    sheet.append(
        [
            None,
            "Võ Văn",
            "Nam",
            "bảy mươi",
            "Kinh",
            "Chính thức",
            "Không",
            "Tổ trưởng",
            "ap-phuoc-hoa-b",
            "Có",
        ]
    )
    bad = tmp_path / "sai.xlsx"
    book.save(bad)

    page.set_input_files("input[name=file]", str(bad))
    page.click("button:has-text('Nhập danh sách')")
    errors = page.locator(".import-errors tbody tr")
    assert errors.count() == 1
    assert errors.first.locator("td").first.inner_text() == "4"
    assert "Chức vụ “Tổ trưởng” không hợp lệ" in errors.first.inner_text()
    shot(page, screenshots_dir, "members-import-errors-1366.png", full_page=True)

    sheet.delete_rows(4)
    good = tmp_path / "dung.xlsx"
    book.save(good)
    page.set_input_files("input[name=file]", str(good))
    page.click("button:has-text('Nhập danh sách')")
    page.wait_for_url(live_server + "/members/")
    assert "2 đảng viên mới" in page.inner_text(".flash")
    shot(page, screenshots_dir, "members-after-import-1366.png")

    # The new secretary signs in on her phone and finds the members of her cell.
    phone = browser_page(PHONE)
    sign_in(phone, live_server, "bithu.phuochoab", NEW_PASSWORD)
    phone.click("nav >> text=Đảng viên")
    phone.wait_for_url(live_server + "/members/")
    names = phone.locator(".members-table__name").all_inner_texts()
    assert "Lâm Thị Kiều" in names and "Sơn Văn Phol" in names
    assert names.index("Lâm Thị Kiều") < names.index("Sơn Văn Phol")  # Kiều before Phol
    assert phone.locator("text=Thêm đảng viên").count() == 0
    assert fits_the_screen(phone, PHONE)
    shot(phone, screenshots_dir, "members-secretary-360.png")
    shot(phone, screenshots_dir, "members-secretary-360-full.png", full_page=True)


ADMIN_PAGES = [
    "/members/?cell=ap-cho",
    "/admin/accounts",
    "/admin/rubric/2024/edit",
    "/tokens/",
    "/admin/accounts/1",
    "/members/1",
    "/admin/cells",
    "/admin/",
    "/admin/rubric/2022",
    "/members/import",
]


@pytest.mark.backends("sqlite")
def test_admin_pages_fit_a_phone(live_server, browser_page, users, screenshots_dir, subtests):
    """Each page in one signed-in walk (a sign-in per page cost a browser context each)."""
    page = browser_page(PHONE)
    sign_in(page, live_server, users["admin"].username)
    for path in ADMIN_PAGES:
        with subtests.test(path=path):
            page.goto(live_server + path)
            assert page.locator("h1").count() == 1
            assert fits_the_screen(page, PHONE)
            name = path.strip("/").replace("/", "-").replace("?cell=", "-") or "index"
            shot(page, screenshots_dir, f"phone-{name}-360.png")


@pytest.mark.backends("sqlite")
def test_new_token_is_shown_once_in_the_browser(live_server, browser_page, users, screenshots_dir):
    page = browser_page(PHONE)
    sign_in(page, live_server, users["committee"].username, then="/tokens/")
    page.fill("input[name=label]", "Tập lệnh tổng hợp")
    page.click("button:has-text('Tạo mã')")
    token = page.inner_text("#new-token")
    assert token.startswith("clt_")
    assert fits_the_screen(page, PHONE)
    shot(page, screenshots_dir, "tokens-created-360.png", full_page=True)
    page.goto(live_server + "/tokens/")
    assert token not in page.content()
