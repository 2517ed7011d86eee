"""The demo courses: real use, in Vietnamese.

Ê Đê words come from the ABVD word list (CC BY 4.0; see rade_words.json for the
credit); their Vietnamese glosses are the project's translations, marked so.
"""

from __future__ import annotations

import json
from pathlib import Path

WORDS = json.loads((Path(__file__).parent / "rade_words.json").read_text("utf-8"))
CREDIT = (
    "Từ vựng tiếng Ê Đê: Austronesian Basic Vocabulary Database (ABVD), ngôn ngữ 741 "
    "“Rhade”, giấy phép CC BY 4.0 — "
    + WORDS["credit"]
    + " Nghĩa tiếng Việt do dự án dịch từ khái niệm tiếng Anh."
)


# The usual form where the source gives several for a concept.
MAIN_FORM = {53: "mnuih"}


def _word(concept_id: int, form: str | None = None) -> dict:
    form = form or MAIN_FORM.get(concept_id)
    for w in WORDS["words"]:
        if w["concept_id"] == concept_id and (form is None or w["form"] == form):
            return w
    raise KeyError(concept_id)


def _vocab_html(title: str, concept_ids: list[int]) -> str:
    rows = "".join(
        f'<tr><td lang="rad"><strong>{_word(c)["form"]}</strong></td>'
        f'<td>{_word(c)["gloss_vi"]}</td><td lang="en">{_word(c)["gloss_en"]}</td></tr>'
        for c in concept_ids
    )
    return (
        f"<h2>{title}</h2><table><thead><tr><th>Tiếng Ê Đê</th><th>Tiếng Việt*</th>"
        f"<th>English</th></tr></thead><tbody>{rows}</tbody></table>"
        f'<p class="muted">* {CREDIT}</p>'
    )


def _word_question(concept_id: int, wrong: list[int]) -> dict:
    w = _word(concept_id)
    choices = [w["gloss_vi"]] + [_word(c)["gloss_vi"] for c in wrong]
    # Put the right answer second so it is not always first.
    choices[0], choices[1] = choices[1], choices[0]
    return {
        "type": "mcq",
        "question": f"Từ «{w['form']}» trong tiếng Ê Đê nghĩa là gì?",
        "choices": choices,
        "correct": [1],
    }


def _matching(prompt: str, concept_ids: list[int]) -> dict:
    return {
        "type": "matching",
        "prompt": prompt,
        "lang": "rad",
        "pairs": [[_word(c)["form"], _word(c)["gloss_vi"]] for c in concept_ids],
    }


def _spelling(concept_id: int) -> dict:
    word = _word(concept_id)
    return {
        "type": "shortanswer",
        "question": f"Viết bằng tiếng Ê Đê: “{word['gloss_vi']}”.",
        "answers": [word["form"]],
        "strict_diacritics": True,
        "lang": "rad",
    }


def _html(text: str) -> dict:
    return {"type": "html", "html": text}


def _mcq(question: str, choices: list[str], correct: list[int]) -> dict:
    return {"type": "mcq", "question": question, "choices": choices, "correct": correct}


PROGRAMS = [
    {
        "slug": "ngon-ngu-dan-toc",
        "name": "Tiếng dân tộc thiểu số cho cán bộ, công chức",
        "track": "ethnic_language",
    },
    {
        "slug": "nghe-thanh-nien",
        "name": "Đào tạo nghề cho thanh niên dân tộc thiểu số",
        "track": "vocational",
    },
    {
        "slug": "thuong-mai-dien-tu",
        "name": "Thương mại điện tử cho đồng bào dân tộc thiểu số",
        "track": "ecommerce",
    },
    {"slug": "tin-hoc-co-ban", "name": "Phổ cập kỹ năng số", "track": "it_literacy"},
]

COURSES: list[dict] = [
    {
        "slug": "tieng-ede-co-ban",
        "program": "ngon-ngu-dan-toc",
        "title": "Tiếng Ê Đê cơ bản cho cán bộ xã",
        "summary": "Chào hỏi, gia đình, số đếm và việc nhà nông bằng tiếng Ê Đê.",
        "description": (
            "Khoá học giúp cán bộ, công chức làm việc ở các xã có đông đồng bào Ê Đê "
            "nắm vốn từ cơ bản để giao tiếp với người dân.\n\n" + CREDIT
        ),
        "language": "rad",
        "target_group": "officials",
        "hours": 12,
        "modules": [
            (
                "Con người và gia đình",
                [
                    (
                        "Các thành viên trong gia đình",
                        [
                            _html(
                                "<p>Trong buôn làng Ê Đê, gia đình theo chế độ mẫu hệ: "
                                "người mẹ giữ vai trò chính trong nhà dài.</p>"
                            ),
                            _html(
                                _vocab_html("Từ vựng: gia đình", [59, 60, 57, 58, 56])
                            ),
                            _word_question(59, [60, 56]),
                            _word_question(57, [58, 53]),
                        ],
                    ),
                    (
                        "Con người, nhà và tên gọi",
                        [
                            _html(
                                _vocab_html("Từ vựng: con người", [53, 54, 55, 61, 63])
                            ),
                            _word_question(61, [63, 55]),
                        ],
                    ),
                    (
                        "Ôn tập: nối từ",
                        [
                            _matching(
                                "Nối từ tiếng Ê Đê với nghĩa tiếng Việt.",
                                [59, 60, 57, 58],
                            ),
                            _spelling(61),
                        ],
                    ),
                ],
            ),
            (
                "Số đếm và thời gian",
                [
                    (
                        "Đếm từ một đến mười",
                        [
                            _html(
                                _vocab_html(
                                    "Số đếm",
                                    [197, 198, 199, 200, 201, 202, 203, 204, 205, 206],
                                )
                            ),
                            _word_question(199, [198, 200]),
                            _word_question(206, [201, 205]),
                        ],
                    ),
                    (
                        "Ngày và năm",
                        [
                            _html(_vocab_html("Thời gian", [168, 169])),
                            _word_question(168, [169, 133]),
                        ],
                    ),
                ],
            ),
            (
                "Việc nhà nông",
                [
                    (
                        "Trồng trọt",
                        [
                            _html(
                                _vocab_html(
                                    "Đất, nước và cây trồng",
                                    [84, 119, 122, 133, 114, 116, 117],
                                )
                            ),
                            _word_question(122, [119, 133]),
                        ],
                    ),
                ],
            ),
        ],
    },
    {
        "slug": "tieng-ede-giao-tiep-cong-vu",
        "program": "ngon-ngu-dan-toc",
        "title": "Tiếng Ê Đê trong giao tiếp công vụ",
        "summary": "Dùng tiếng Ê Đê khi tiếp dân, họp buôn và hướng dẫn thủ tục.",
        "description": "Học sau khoá Tiếng Ê Đê cơ bản. Cần được giảng viên duyệt.\n\n"
        + CREDIT,
        "language": "rad",
        "target_group": "officials",
        "enrollment_mode": "approval",
        "prerequisites": ["tieng-ede-co-ban"],
        "hours": 16,
        "modules": [
            (
                "Tiếp dân tại bộ phận một cửa",
                [
                    (
                        "Hỏi tên và việc cần làm",
                        [
                            _html(
                                '<p>Khi tiếp dân, hãy hỏi tên (<span lang="rad">anăn</span>) '
                                'và việc người dân cần làm (<span lang="rad">ngă</span>) trước '
                                "khi hướng dẫn thủ tục.</p>"
                            ),
                            _html(_vocab_html("Từ vựng", [63, 83, 91, 53])),
                            _word_question(63, [83, 91]),
                        ],
                    ),
                ],
            ),
        ],
    },
    {
        "slug": "trong-ca-phe",
        "program": "nghe-thanh-nien",
        "title": "Kỹ thuật trồng và chăm sóc cà phê vối",
        "summary": "Chọn giống, ghép cải tạo, tưới nước và bón phân cho cà phê ở Tây Nguyên.",
        "description": "Khoá học nghề ngắn hạn cho thanh niên dân tộc thiểu số.",
        "language": "vi",
        "target_group": "youth",
        "hours": 40,
        "modules": [
            (
                "Chọn giống và trồng mới",
                [
                    (
                        "Chọn giống cà phê",
                        [
                            _html(
                                "<p>Nên dùng giống cà phê vối ghép cao sản được công nhận (như "
                                "TR4, TR9, TRS1) từ cơ sở có giấy chứng nhận. Cây giống khoẻ có "
                                "5–7 cặp lá, lá xanh đậm, không sâu bệnh.</p>"
                                "<ul><li>Mật độ: khoảng 1.100 cây/ha.</li>"
                                "<li>Hố trồng: 60×60×60 cm, bón lót phân chuồng hoai.</li></ul>"
                            ),
                            _mcq(
                                "Cây cà phê giống khoẻ có khoảng bao nhiêu cặp lá?",
                                ["1–2 cặp", "5–7 cặp", "15–20 cặp"],
                                [1],
                            ),
                        ],
                    ),
                    (
                        "Đào hố và trồng cây",
                        [
                            _html(
                                "<p>Đào hố trước khi trồng 1 tháng, để lớp đất mặt riêng. "
                                "Trộn đất mặt với 10–15 kg phân chuồng hoai và 0,5 kg lân, "
                                "lấp lại hố rồi mới trồng cây khi đất đủ ẩm đầu mùa mưa.</p>"
                            ),
                            {
                                "type": "image",
                                "src": "/static/lms/demo/ho-trong-ca-phe.svg",
                                "alt": "Mặt cắt hố trồng cà phê: rộng 60 cm, sâu 60 cm, đáy hố có lớp phân chuồng hoai.",
                                "caption": "Hố trồng 60 × 60 × 60 cm, bón lót phân chuồng hoai.",
                            },
                            _mcq(
                                "Hố trồng cà phê nên sâu bao nhiêu?",
                                ["20 cm", "60 cm", "2 m"],
                                [1],
                            ),
                        ],
                    ),
                    (
                        "Ghép cải tạo vườn già",
                        [
                            _html(
                                "<p>Cưa đốn thân cây già cách mặt đất 20–30 cm, nuôi chồi mới "
                                "rồi ghép mắt hoặc ghép chồi từ giống tốt vào mùa mưa.</p>"
                            ),
                            _mcq(
                                "Nên ghép cải tạo cà phê vào mùa nào?",
                                ["Giữa mùa khô", "Mùa mưa", "Bất kỳ lúc nào"],
                                [1],
                            ),
                        ],
                    ),
                ],
            ),
            (
                "Chăm sóc",
                [
                    (
                        "Tưới nước mùa khô",
                        [
                            _html(
                                "<p>Tưới đợt đầu khi nụ hoa phát triển đầy đủ, 500–600 lít "
                                "mỗi gốc; các đợt sau cách nhau 20–25 ngày.</p>"
                            ),
                            _mcq(
                                "Các đợt tưới sau cách nhau bao lâu?",
                                ["2–3 ngày", "20–25 ngày", "3 tháng"],
                                [1],
                            ),
                        ],
                    ),
                ],
            ),
            (
                "Ôn tập và thực hành",
                [
                    (
                        "Ôn tập kỹ thuật ghép cà phê",
                        [
                            {
                                "type": "truefalse",
                                "statement": "Nên ghép cải tạo cà phê vào giữa mùa khô.",
                                "answer": False,
                                "explanation": "Ghép vào mùa mưa, khi cây đủ nước và nhựa.",
                            },
                            {
                                "type": "ordering",
                                "prompt": "Sắp xếp các bước ghép cải tạo vườn cà phê già.",
                                "items": [
                                    "Cưa đốn thân cách mặt đất 20–30 cm",
                                    "Nuôi chồi mới mọc từ gốc",
                                    "Ghép mắt hoặc chồi từ giống tốt",
                                    "Buộc dây và che nắng cho mắt ghép",
                                ],
                            },
                            {
                                "type": "blanks",
                                "prompt": "Điền vào chỗ trống.",
                                "text": (
                                    "Mật độ trồng cà phê vối khoảng *1.100|1100* cây/ha; "
                                    "hố trồng sâu *60* cm."
                                ),
                            },
                            {
                                "type": "shortanswer",
                                "question": "Kể tên một giống cà phê vối ghép cao sản.",
                                "answers": ["TR4", "TR9", "TRS1"],
                                "feedback_correct": "Đúng, đó là giống được công nhận.",
                                "feedback_incorrect": "Xem lại bài “Chọn giống cà phê”.",
                            },
                        ],
                    ),
                    (
                        "Thực hành: ghép một cây cà phê",
                        [
                            {
                                "type": "assignment",
                                "instructions": (
                                    "Ghép một cây cà phê trong vườn nhà hoặc vườn mẫu, "
                                    "chụp ảnh mắt ghép sau 15 ngày và gửi lên đây."
                                ),
                                "rubric": [
                                    {
                                        "name": "Vị trí ghép",
                                        "description": "Mắt ghép cách mặt đất 20–30 cm.",
                                        "points": 4,
                                    },
                                    {
                                        "name": "Mắt ghép sống",
                                        "description": "Mắt ghép xanh, đã bật chồi.",
                                        "points": 4,
                                    },
                                    {
                                        "name": "Ảnh rõ",
                                        "description": "Thấy rõ vết ghép và dây buộc.",
                                        "points": 2,
                                    },
                                ],
                                "kinds": ["photo"],
                            },
                            {
                                "type": "discussion",
                                "prompt": (
                                    "Vườn cà phê nhà bạn gặp khó khăn gì nhất trong mùa "
                                    "khô? Chia sẻ cách bạn xử lý."
                                ),
                            },
                        ],
                    ),
                ],
            ),
        ],
    },
    {
        "slug": "det-tho-cam",
        "program": "nghe-thanh-nien",
        "title": "Dệt thổ cẩm truyền thống",
        "summary": "Khung dệt, sợi, màu nhuộm tự nhiên và hoa văn Ê Đê, M'nông.",
        "description": "Học cùng nghệ nhân của buôn. Giảng viên duyệt đăng ký.",
        "language": "vi",
        "target_group": "youth",
        "enrollment_mode": "approval",
        "hours": 60,
        "modules": [
            (
                "Chuẩn bị",
                [
                    (
                        "Sợi và màu nhuộm tự nhiên",
                        [
                            _html(
                                "<p>Màu đen chàm lấy từ lá chàm, màu đỏ từ vỏ cây và rễ cây "
                                "nhàu, màu vàng từ nghệ. Sợi được nhuộm nhiều lần rồi phơi "
                                "trong bóng râm.</p>"
                            ),
                            _mcq(
                                "Màu vàng thường được nhuộm từ gì?",
                                ["Lá chàm", "Nghệ", "Than củi"],
                                [1],
                            ),
                        ],
                    ),
                ],
            ),
        ],
    },
    {
        "slug": "ban-hang-tren-san-tmdt",
        "program": "thuong-mai-dien-tu",
        "title": "Bán nông sản trên sàn thương mại điện tử",
        "summary": "Chụp ảnh sản phẩm bằng điện thoại, đặt tên, định giá và đăng bán.",
        "description": "Dành cho hộ sản xuất cà phê, tiêu, mật ong, thổ cẩm và sản phẩm OCOP.",
        "language": "vi",
        "target_group": "everyone",
        "hours": 8,
        "modules": [
            (
                "Chuẩn bị sản phẩm",
                [
                    (
                        "Chụp ảnh sản phẩm bằng điện thoại",
                        [
                            _html(
                                "<p>Chụp ở nơi có ánh sáng tự nhiên, nền trơn, đủ các góc: "
                                "mặt trước, mặt sau, nhãn và khối lượng. Mỗi sản phẩm nên có "
                                "ít nhất 3 ảnh rõ nét.</p>"
                            ),
                            _mcq(
                                "Mỗi sản phẩm nên có ít nhất bao nhiêu ảnh?",
                                ["1 ảnh", "3 ảnh", "Không cần ảnh"],
                                [1],
                            ),
                        ],
                    ),
                    (
                        "Đặt tên và định giá",
                        [
                            _html(
                                "<p>Tên sản phẩm nêu rõ loại, nơi sản xuất và khối lượng, ví "
                                "dụ: “Cà phê bột nguyên chất Buôn Ma Thuột 500 g”. Không ghi số "
                                "điện thoại trong tên.</p>"
                            ),
                            _mcq(
                                "Tên sản phẩm nào tốt hơn?",
                                [
                                    "Cà phê ngon gọi 0905xxxxxx",
                                    "Cà phê bột nguyên chất Buôn Ma Thuột 500 g",
                                    "CF",
                                ],
                                [1],
                            ),
                            {
                                "type": "listing_task",
                                "display_name": (
                                    "Thực hành: đăng một sản phẩm ở cửa hàng thực "
                                    "hành, đạt ít nhất 70 điểm"
                                ),
                                "min_score": 70,
                            },
                        ],
                    ),
                ],
            ),
        ],
    },
    {
        "slug": "dien-thoai-thong-minh-an-toan",
        "program": "tin-hoc-co-ban",
        "title": "Dùng điện thoại thông minh an toàn",
        "summary": "Mật khẩu, tin nhắn lừa đảo, chuyển tiền an toàn và bảo vệ thông tin cá nhân.",
        "description": "Kỹ năng số cơ bản cho thanh niên.",
        "language": "vi",
        "target_group": "youth",
        "hours": 6,
        "modules": [
            (
                "An toàn trên mạng",
                [
                    (
                        "Nhận biết tin nhắn lừa đảo",
                        [
                            _html(
                                "<p>Không bấm vào đường link lạ, không đọc mã OTP cho bất kỳ "
                                "ai, kể cả người xưng là công an hay nhân viên ngân hàng.</p>"
                            ),
                            _mcq(
                                "Có người gọi điện xin mã OTP, bạn làm gì?",
                                [
                                    "Đọc mã cho họ",
                                    "Không đưa mã, báo cho người thân",
                                    "Gửi ảnh chụp mã",
                                ],
                                [1],
                            ),
                        ],
                    ),
                ],
            ),
        ],
    },
    {
        "slug": "dich-vu-cong-truc-tuyen",
        "program": "tin-hoc-co-ban",
        "title": "Hướng dẫn người dân dùng dịch vụ công trực tuyến",
        "summary": "Cho cán bộ xã: tài khoản định danh điện tử và nộp hồ sơ trực tuyến.",
        "description": "Ghi danh theo lớp (nhóm học viên) do quản trị viên sắp xếp.",
        "language": "vi",
        "target_group": "officials",
        "enrollment_mode": "cohort",
        "hours": 4,
        "modules": [
            (
                "Tài khoản và hồ sơ",
                [
                    (
                        "Tài khoản định danh điện tử",
                        [
                            _html(
                                "<p>Người dân cần tài khoản định danh điện tử mức 2 để nộp "
                                "hồ sơ trực tuyến. Cán bộ hướng dẫn kích hoạt trên ứng dụng "
                                "của Bộ Công an.</p>"
                            ),
                            _mcq(
                                "Nộp hồ sơ trực tuyến cần tài khoản định danh mức mấy?",
                                ["Mức 1", "Mức 2", "Không cần tài khoản"],
                                [1],
                            ),
                        ],
                    ),
                ],
            ),
        ],
    },
    {
        "slug": "sua-xe-may-co-ban",
        "program": "nghe-thanh-nien",
        "title": "Sửa xe máy cơ bản (bản nháp)",
        "summary": "Đang soạn: học viên chưa thấy khoá học này.",
        "language": "vi",
        "target_group": "youth",
        "status": "draft",
        "hours": 30,
        "modules": [
            (
                "Bảo dưỡng",
                [
                    ("Thay nhớt", [_html("<p>Đang soạn.</p>")]),
                ],
            ),
        ],
    },
]
