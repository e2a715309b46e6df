"""One case table for the report form's rules, run against the Python domain and against the
form's JavaScript in chromium (issue 16, item 5): suggested points, grade, grade reason."""

from __future__ import annotations

# Half-points of the default rubric's suggested criteria.
MAX = {"attendance": 30, "duration": 10, "speaking": 20}

# facts -> expected suggestions (half-points)
SUGGESTION_CASES = [
    # required, present, unexcused, duration, speakers, young speakers, young present
    ((40, 40, 0, 120, 14, 2, 3), {"attendance": 30, "duration": 10, "speaking": 20}),
    ((40, 35, 0, 90, 12, 0, 2), {"attendance": 30, "duration": 10, "speaking": 14}),
    ((40, 34, 0, 89, 12, 1, 2), {"attendance": 15, "duration": 5, "speaking": 20}),
    ((40, 35, 1, 60, 7, 1, 1), {"attendance": 21, "duration": 5, "speaking": 14}),
    ((40, 28, 0, 59, 5, 0, 0), {"attendance": 0, "duration": 0, "speaking": 8}),
    ((48, 44, 0, 120, 6, 0, 4), {"attendance": 30, "duration": 10, "speaking": 8}),
    ((0, 0, 0, None, 0, 0, 0), {"attendance": 0, "speaking": 0}),
    ((3, 3, 0, 100, 1, 0, 0), {"attendance": 30, "duration": 10, "speaking": 20}),
]

# Rubric lines: (code, title, max half-points, gate)
LINES = [
    ("attendance", "Tỷ lệ đảng viên dự sinh hoạt", 30, True),
    ("preparation", "Công tác chuẩn bị", 30, False),
    ("procedure", "Đúng thời gian, trình tự", 20, False),
    ("ideology", "Nội dung tư tưởng", 10, False),
    ("criticism", "Tự phê bình và phê bình", 20, False),
    ("speaking", "Đảng viên tham gia phát biểu", 20, True),
    ("duration", "Thời lượng từ 90 phút trở lên", 10, True),
    ("minutes", "Biên bản ghi đầy đủ", 10, True),
    ("results", "Kết quả thực hiện nghị quyết", 50, False),
]
BANDS = {"tot": 180, "kha": 140, "tb": 100}

# scores (half-points per code, in LINES order) -> (grade, reason or None)
GRADE_CASES = [
    ((30, 30, 20, 10, 20, 20, 10, 10, 50), ("tot", None)),
    (
        (30, 30, 20, 10, 20, 20, 10, 9, 40),
        (
            "kha",
            (
                "Tổng 94,5 điểm nhưng xếp loại Khá: loại Tốt cần đủ điểm mọi tiêu chí bắt buộc, "
                "mà “Biên bản ghi đầy đủ” thiếu 0,5 điểm (4,5/5)."
            ),
        ),
    ),
    (
        (21, 30, 20, 10, 20, 14, 10, 10, 50),
        (
            "kha",
            (
                "Tổng 92,5 điểm nhưng xếp loại Khá: loại Tốt cần đủ điểm mọi tiêu chí bắt buộc, "
                "mà “Tỷ lệ đảng viên dự sinh hoạt” thiếu 4,5 điểm (10,5/15); "
                "“Đảng viên tham gia phát biểu” thiếu 3 điểm (7/10)."
            ),
        ),
    ),
    ((30, 30, 20, 10, 20, 20, 10, 10, 30), ("tot", None)),  # exactly 90
    ((30, 30, 20, 10, 20, 20, 10, 10, 29), ("kha", None)),  # 89,5: the band, no reason
    ((20, 20, 10, 5, 10, 10, 10, 5, 50), ("kha", None)),  # 70
    ((20, 20, 10, 5, 10, 10, 10, 5, 49), ("trung_binh", None)),
    ((10, 10, 10, 5, 10, 10, 10, 5, 30), ("trung_binh", None)),  # 50
    ((10, 10, 10, 5, 10, 10, 10, 5, 29), ("kem", None)),  # 49,5
]
