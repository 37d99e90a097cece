"""Vietnamese phrase pools for generated articles (original text written for this demo).

Placeholders in braces are filled by writer.py. The pools deliberately mix old-style tone marks
("Uỷ ban", "hoà", "thuỷ") with new-style ones ("Ủy ban", "hóa"), use the usual abbreviations
(UBND, HĐND, MTTQ, TP.) and Vietnamese number formats ("1.817 người", "5,01%"), because the
archive's search has to cope with all of them.
"""

from __future__ import annotations

WARDS = (*(f"phường {n}" for n in range(1, 10)), "xã Long Đức")

FAMILY_NAMES = (
    "Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Võ", "Đặng", "Dương",
    "Thạch", "Kim", "Sơn", "Lâm", "Trương", "Châu",
)  # fmt: skip
MIDDLE_NAMES = ("Văn", "Thị", "Minh", "Thanh", "Ngọc", "Quốc", "Hoàng", "Hữu", "Thu", "Bảo")
GIVEN_NAMES = (
    "Phúc", "Tài", "Hùng", "Khang", "Thảo", "Hạnh", "Nhung", "Sang", "Duy", "Trí",
    "Hiếu", "Lan", "Mai", "Tuấn", "Sa Rươn", "Sô Phal", "Bình", "Dũng", "Yến", "Nhân",
)  # fmt: skip
POSITIONS = (
    "Phó Chủ tịch UBND thành phố",
    "Chủ tịch UBND thành phố",
    "Phó Bí thư Thường trực Thành ủy",
    "Chủ tịch HĐND thành phố",
    "Chủ tịch Uỷ ban MTTQ Việt Nam thành phố",
    "Trưởng Ban Tuyên giáo Thành ủy",
    "Ủy viên Ban Thường vụ, Trưởng Ban Dân vận Thành ủy",
    "Phó Chủ tịch HĐND TP. Trà Vinh",
)
PEN_NAMES = (
    "Minh Khoa", "Ngọc Hân", "Thanh Sơn", "Hồng Đào", "Kim Ngân", "Thái Bảo",
    "Quốc Việt", "Sà Phol", "Trúc Linh", "Hữu Phước", "Mỹ Duyên", "Tấn Lộc",
)  # fmt: skip
AUTHOR_FORMS = (
    "Thực hiện: {a} - {b}",
    "Tin, ảnh: {a}",
    "Tin: {a}",
    "Tin, ảnh: {a} - {b}",
    "Bài, ảnh: {a}",
    "Nguồn: {source}",
)
SOURCES = (
    "Phòng Văn hóa và Thông tin thành phố",
    "Trung tâm Văn hóa - Thể thao thành phố",
    "Văn phòng HĐND và UBND thành phố",
    "Ban Tuyên giáo Thành ủy",
)

SUBJECTS = (
    (
        "UBND thành phố", "Uỷ ban MTTQ Việt Nam thành phố", "Thành đoàn Trà Vinh",
        "Hội Liên hiệp Phụ nữ thành phố", "Hội Cựu chiến binh thành phố", "Công an thành phố",
        "Ban Chỉ huy Quân sự thành phố", "Hội Chữ thập đỏ thành phố",
    ),
    (
        "Thành ủy Trà Vinh", "Ban Thường vụ Thành ủy", "Thường trực HĐND thành phố",
        "Uỷ ban MTTQ Việt Nam thành phố", "Ban Dân vận Thành ủy", "Ủy ban Kiểm tra Thành ủy",
        "Ban Tuyên giáo Thành ủy", "Đảng ủy Khối cơ quan thành phố",
    ),
    (
        "UBND thành phố", "Phòng Kinh tế thành phố", "Phòng Tài chính - Kế hoạch thành phố",
        "Phòng Quản lý đô thị thành phố", "Hội Nông dân thành phố",
        "Phòng Tài nguyên và Môi trường thành phố", "Chi cục Thuế khu vực thành phố Trà Vinh",
        "Ban Quản lý dự án đầu tư xây dựng thành phố",
    ),
    (
        "Phòng Văn hóa và Thông tin thành phố", "Trung tâm Văn hóa - Thể thao thành phố",
        "Phòng Giáo dục và Đào tạo thành phố", "Trung tâm Y tế thành phố",
        "Phòng Lao động - Thương binh và Xã hội thành phố", "Thành đoàn Trà Vinh",
        "Hội Liên hiệp Phụ nữ thành phố",
    ),
)  # fmt: skip
WARD_SUBJECTS = (
    "UBND {ward}",
    "Đảng ủy {ward}",
    "Uỷ ban MTTQ Việt Nam {ward}",
    "Hội Nông dân {ward}",
)

# An event is a phrase, or (fixed subject, phrase) when only one body can plausibly hold it.
EVENTS: tuple[tuple[str | tuple[str, str], ...], ...] = (
    (
        "tổ chức họp mặt kỷ niệm {holiday}",
        "ra quân hưởng ứng {campaign} năm {year}",
        "trao {n_small} phần quà cho {beneficiary}",
        "tổ chức diễn tập phòng cháy, chữa cháy và cứu nạn, cứu hộ tại khu dân cư",
        "bàn giao {n_tiny} căn nhà Đại đoàn kết cho hộ nghèo",
        "phát động phong trào “Toàn dân đoàn kết xây dựng đời sống văn hoá” năm {year}",
        "tổ chức Ngày hội toàn dân bảo vệ an ninh Tổ quốc tại khóm {khom}, {ward}",
        "tổng kết công tác {field} năm {prev_year}",
        ("Hội đồng Nghĩa vụ quân sự thành phố", "tổ chức lễ giao nhận quân năm {year}"),
        "tổ chức hội nghị tập huấn nghiệp vụ cho hoà giải viên ở cơ sở",
        "ra mắt mô hình “{model}” tại {ward}",
    ),
    (
        "tổ chức Hội nghị sơ kết công tác xây dựng Đảng 6 tháng đầu năm {year}",
        "tổ chức hội nghị học tập, quán triệt Nghị quyết Hội nghị lần thứ {ordinal} Ban Chấp hành"
        " Trung ương Đảng khóa XIII",
        ("HĐND thành phố", "khai mạc kỳ họp thứ {ordinal}, khóa XII, nhiệm kỳ 2021 - 2026"),
        ("Tổ đại biểu HĐND tỉnh đơn vị TP. Trà Vinh", "tiếp xúc cử tri trước kỳ họp thứ {ordinal}"),
        ("Đảng ủy {ward}", "tổ chức lễ kết nạp {n_tiny} đảng viên mới"),
        ("Đảng ủy {ward}", "chỉ đạo Đại hội Chi bộ khóm {khom} nhiệm kỳ 2022 - 2025"),
        "tổ chức hội nghị đối thoại giữa người đứng đầu cấp ủy với Nhân dân {ward}",
        "kiểm tra, giám sát việc thực hiện {field} tại {ward}",
        "sơ kết {n_tiny} năm thực hiện Chỉ thị số 05-CT/TW của Bộ Chính trị",
        ("Đảng ủy {ward}", "tổ chức lễ trao Huy hiệu Đảng cho {n_tiny} đảng viên"),
        "triển khai kế hoạch bầu cử Trưởng ban nhân dân khóm, ấp nhiệm kỳ 2022 - 2025",
        "tổng kết công tác dân vận năm {prev_year}",
    ),
    (
        (
            "Ban Quản lý dự án đầu tư xây dựng thành phố",
            "khởi công xây dựng tuyến đường nội ô tại {ward}",
        ),
        "tổ chức hội nghị xúc tiến tiêu thụ sản phẩm OCOP năm {year}",
        "nghiệm thu công trình thuỷ lợi nội đồng tại xã Long Đức",
        (
            "Chi cục Thuế khu vực thành phố Trà Vinh",
            "triển khai nhiệm vụ thu ngân sách nhà nước năm {year}",
        ),
        "tập huấn kỹ thuật nuôi trồng thuỷ sản cho nông dân {ward}",
        "kiểm tra tiến độ giải ngân vốn đầu tư công năm {year}",
        "ra mắt Hợp tác xã {coop} tại {ward}",
        "đối thoại với doanh nghiệp về thủ tục hành chính thuế",
        "triển khai kế hoạch chỉnh trang đô thị, xây dựng thành phố văn minh",
        (
            "Phòng Giao dịch Ngân hàng Chính sách xã hội thành phố",
            "giải ngân vốn vay giải quyết việc làm cho {n_small} hộ",
        ),
        "tổ chức phiên chợ hàng Việt về khu dân cư {ward}",
        "đánh giá kết quả xây dựng xã nông thôn mới kiểu mẫu",
    ),
    (
        "khai mạc Giải bóng đá thiếu niên, nhi đồng thành phố năm {year}",
        "tổ chức Hội thi {contest} năm {year}",
        (
            "Trung tâm Y tế thành phố",
            "tổ chức tiêm vắc xin phòng COVID-19 cho trẻ từ 5 đến dưới 12 tuổi",
        ),
        (
            "Phòng Giáo dục và Đào tạo thành phố",
            "tuyên dương {n_small} học sinh giỏi năm học {prev_year} - {year}",
        ),
        "tổ chức Ngày hội văn hóa, thể thao các dân tộc thành phố",
        "khai giảng lớp dạy nghề cho lao động nông thôn tại {ward}",
        "tổ chức các hoạt động chào mừng lễ hội Ok Om Bok",
        "ra mắt mô hình “Gia đình hạnh phúc, bền vững” tại khóm {khom}, {ward}",
        ("Phòng Giáo dục và Đào tạo thành phố", "tổng kết năm học {prev_year} - {year}"),
        "triển khai chiến dịch vệ sinh môi trường phòng, chống dịch sốt xuất huyết",
        "tổ chức Ngày Sách và Văn hóa đọc Việt Nam",
        "trao học bổng cho {n_small} học sinh có hoàn cảnh khó khăn",
    ),
)

PURPOSES = (
    (
        "nâng cao ý thức của người dân trong công tác giữ gìn an ninh trật tự",
        "kịp thời động viên, chia sẻ khó khăn với các gia đình chính sách",
        "phát huy sức mạnh khối đại đoàn kết toàn dân tộc ở khu dân cư",
    ),
    (
        "nâng cao năng lực lãnh đạo và sức chiến đấu của tổ chức cơ sở đảng",
        "đánh giá khách quan kết quả thực hiện nghị quyết của cấp ủy",
        "phát huy quyền làm chủ của Nhân dân",
    ),
    (
        "thúc đẩy phát triển kinh tế - xã hội trên địa bàn",
        "tháo gỡ khó khăn cho doanh nghiệp, hộ kinh doanh",
        "nâng cao thu nhập cho người dân vùng ven",
    ),
    (
        "đẩy mạnh phong trào thể dục thể thao quần chúng",
        "chăm lo tốt hơn sức khỏe Nhân dân",
        "giữ gìn và phát huy bản sắc văn hóa các dân tộc",
    ),
)

FILLERS = {
    "holiday": (
        "92 năm Ngày thành lập Hội Liên hiệp Phụ nữ Việt Nam",
        "Ngày Thầy thuốc Việt Nam 27/2",
        "Ngày Thương binh - Liệt sĩ 27/7",
        "Ngày Nhà giáo Việt Nam 20/11",
        "Ngày truyền thống Hội Nông dân Việt Nam",
    ),
    "campaign": (
        "Tháng hành động vì môi trường",
        "chiến dịch tình nguyện Mùa hè xanh",
        "Tháng cao điểm dân số",
        "Tháng hành động vì trẻ em",
    ),
    "beneficiary": (
        "hộ nghèo, hộ cận nghèo",
        "gia đình chính sách",
        "học sinh có hoàn cảnh khó khăn",
        "người cao tuổi neo đơn",
    ),
    "field": (
        "cải cách hành chính",
        "phòng, chống tham nhũng",
        "tiếp công dân",
        "hoà giải ở cơ sở",
        "phổ biến, giáo dục pháp luật",
        "quốc phòng địa phương",
    ),
    "model": (
        "Khóm, ấp an toàn về an ninh trật tự",
        "Tuyến đường hoa",
        "Camera an ninh",
        "Dân vận khéo",
    ),
    "coop": ("Nông nghiệp Long Đức", "Dịch vụ nông nghiệp Sóc Ruộng", "Thuỷ sản Phường 9"),
    "contest": (
        "Tuyên truyền viên giỏi",
        "Hoà giải viên giỏi",
        "Văn nghệ quần chúng",
        "Giáo viên dạy giỏi cấp thành phố",
    ),
    "ordinal": ("tư", "năm", "sáu", "bảy", "tám"),
}

SAPOS = (
    "Ngày {dm}, {subject} {event}. {attend}",
    "Nhằm {purpose}, sáng ngày {dm}, {subject} {event}.",
    "Thực hiện kế hoạch năm {year}, vừa qua, {subject} {event}. {attend}",
    "Chiều ngày {dm}, tại hội trường {venue}, {subject} {event}. {attend}",
    "Sáng {dm}, {subject} {event}, nhằm {purpose}.",
)
ATTENDS = (
    "Tham dự có {leader}; cùng đại diện lãnh đạo các phòng, ban, ngành, đoàn thể thành phố.",
    "Đến dự và chỉ đạo có {leader}.",
    "Dự buổi lễ có {leader} cùng đông đảo cán bộ, hội viên và Nhân dân trên địa bàn.",
)
VENUES = ("UBND thành phố", "Thành ủy", "Trung tâm Chính trị thành phố", "UBND {ward}")

OPENINGS = (
    "Theo báo cáo, thời gian qua {subject} đã chủ động phối hợp với các ngành chức năng và UBND"
    " các phường, xã triển khai nhiều giải pháp thiết thực, phù hợp với tình hình thực tế.",
    "Thực hiện kế hoạch của UBND tỉnh, ngay từ đầu năm {year}, Ban Thường vụ Thành ủy đã chỉ đạo"
    " các cơ quan, đơn vị xây dựng chương trình hành động cụ thể.",
    "Đây là hoạt động thường niên nhằm cụ thể hoá các chủ trương của Đảng, chính sách, pháp luật"
    " của Nhà nước tại cơ sở.",
    "Trên địa bàn TP. Trà Vinh hiện có {households} hộ gia đình với hơn {people} nhân khẩu,"
    " trong đó đồng bào dân tộc Khmer chiếm khoảng {pct_small}%.",
    "Trong năm {prev_year}, mặc dù gặp không ít khó khăn do ảnh hưởng của dịch bệnh và thời tiết,"
    " song với sự quan tâm lãnh đạo của cấp ủy, chính quyền, các chỉ tiêu chủ yếu đều đạt và vượt"
    " kế hoạch.",
    "Thời gian qua, công tác tuyên truyền được thực hiện bằng nhiều hình thức như hội nghị, tọa"
    " đàm, xe loa lưu động và trên hệ thống truyền thanh cơ sở.",
    "Được sự hỗ trợ của Uỷ ban nhân dân thành phố, các phường, xã đã rà soát, lập danh sách cụ"
    " thể từng đối tượng để triển khai thực hiện.",
    "Phát biểu khai mạc, {leader} nhấn mạnh ý nghĩa, tầm quan trọng của hoạt động đối với sự phát"
    " triển chung của thành phố.",
)
RESULTS = (
    "Kết quả, toàn thành phố tổ chức được {n_small} cuộc tuyên truyền với {people} người tham dự,"
    " đạt {pct}% kế hoạch.",
    "Tổng kinh phí thực hiện hơn {money} triệu đồng, trong đó vận động xã hội hoá được {money}"
    " triệu đồng.",
    "Qua đó, có {households} hộ gia đình đăng ký đạt danh hiệu “Gia đình văn hóa”, tăng"
    " {pct_small}% so với cùng kỳ năm trước.",
    "Các tổ hoà giải ở cơ sở đã hoà giải thành {n_small} vụ việc, góp phần giữ vững an ninh trật"
    " tự ngay từ cơ sở.",
    "Uỷ ban MTTQ Việt Nam các cấp đã vận động Quỹ “Vì người nghèo” được {money} triệu đồng, hỗ"
    " trợ xây dựng và sửa chữa {n_tiny} căn nhà.",
    "Đến nay, các hạng mục tại {ward} đã hoàn thành {pct}% khối lượng, dự kiến đưa vào sử dụng"
    " trong quý {quarter} năm {year}.",
    "Bên cạnh những kết quả đạt được, vẫn còn một số hạn chế như công tác phối hợp giữa các ngành"
    " có lúc chưa chặt chẽ, một số chỉ tiêu đạt thấp so với kế hoạch.",
    "Tại buổi làm việc, các đại biểu đã tập trung thảo luận, đóng góp nhiều ý kiến tâm huyết, làm"
    " rõ những nguyên nhân của hạn chế, tồn tại.",
    "Tổng số lượt người được tiếp cận thông tin qua các kênh tuyên truyền là {people} lượt, tăng"
    " {pct_small}% so với năm {prev_year}.",
    "Nhân dịp này, {subject} đã trao Giấy khen cho {n_small} tập thể và {n_small} cá nhân có"
    " thành tích xuất sắc.",
    "Cũng trong dịp này, Hội Chữ thập đỏ thành phố trao tặng {n_small} suất quà, mỗi suất trị giá"
    " {gift} đồng.",
    "Theo thống kê, toàn thành phố có {people} người trong độ tuổi lao động, trong đó lao động đã"
    " qua đào tạo đạt {pct}%.",
)
SECTION_RESULTS = (
    (
        "Lực lượng Công an thành phố đã phối hợp tuần tra, kiểm soát {n_small} cuộc, phát hiện và"
        " xử lý {n_small} trường hợp vi phạm trật tự an toàn giao thông.",
        "Ban Chỉ huy Quân sự thành phố đã hoàn thành chỉ tiêu giao quân năm {year} với {n_small}"
        " thanh niên lên đường nhập ngũ, đạt 100% chỉ tiêu.",
        "Các đoàn viên thanh niên đã ra quân thu gom {ton} tấn rác thải, phát quang {km} km đường"
        " giao thông nông thôn.",
        "Mỗi phần quà gồm tiền mặt và nhu yếu phẩm với tổng trị giá {gift} đồng.",
        "Hội Liên hiệp Phụ nữ thành phố đã hỗ trợ {n_small} hội viên vay vốn phát triển kinh tế"
        " gia đình với tổng số tiền {money} triệu đồng.",
    ),
    (
        "Trong 6 tháng đầu năm, các chi, đảng bộ trực thuộc đã kết nạp {n_small} đảng viên mới,"
        " đạt {pct}% chỉ tiêu nghị quyết.",
        "Ủy ban Kiểm tra Thành ủy đã kiểm tra {n_small} tổ chức đảng và {n_small} đảng viên khi có"
        " dấu hiệu vi phạm.",
        "Tại kỳ họp, HĐND thành phố đã xem xét, thông qua {n_small} nghị quyết quan trọng về phát"
        " triển kinh tế - xã hội, quốc phòng - an ninh.",
        "Cử tri kiến nghị nhiều nội dung liên quan đến việc nâng cấp đường giao thông nông thôn,"
        " chỉnh trang hệ thống thoát nước và giải quyết chế độ chính sách.",
        "Công tác tiếp công dân được duy trì thường xuyên; trong kỳ đã tiếp {n_small} lượt công"
        " dân, giải quyết dứt điểm {pct}% đơn thư thuộc thẩm quyền.",
        "Các cấp ủy đã tổ chức {n_small} lớp học tập, quán triệt nghị quyết cho {people} cán bộ,"
        " đảng viên tham dự.",
    ),
    (
        "Giá trị sản xuất công nghiệp - tiểu thủ công nghiệp ước đạt {billion} tỷ đồng, tăng"
        " {pct_small}% so với cùng kỳ.",
        "Tổng thu ngân sách trên địa bàn ước đạt {billion} tỷ đồng, đạt {pct}% dự toán năm.",
        "Toàn thành phố có {n_small} sản phẩm được công nhận đạt chuẩn OCOP từ 3 sao trở lên.",
        "Công trình có tổng chiều dài {km} km, tổng vốn đầu tư hơn {billion} tỷ đồng từ nguồn ngân"
        " sách tỉnh và thành phố.",
        "Hệ thống thuỷ lợi nội đồng sau khi nạo vét đã bảo đảm tưới tiêu cho hơn {ha} ha đất sản"
        " xuất nông nghiệp.",
        "Trong năm, có {n_small} doanh nghiệp thành lập mới với tổng vốn đăng ký {billion}"
        " tỷ đồng.",
        "Diện tích nuôi trồng thuỷ sản đạt {ha} ha, sản lượng ước đạt {ton} tấn.",
    ),
    (
        "Toàn thành phố đã tiêm được {people} liều vắc xin, đạt {pct}% số trẻ trong độ tuổi.",
        "Giải có {n_small} đội bóng đến từ các phường, xã và trường học tham gia tranh tài, thu hút"
        " đông đảo khán giả đến cổ vũ.",
        "Năm học {prev_year} - {year}, tỷ lệ học sinh tốt nghiệp trung học cơ sở đạt {pct}%, có"
        " {n_small} trường đạt chuẩn quốc gia.",
        "Các đội thi đã mang đến nhiều tiết mục đặc sắc, thể hiện bản sắc văn hóa của đồng bào"
        " Kinh, Khmer, Hoa trên địa bàn.",
        "Lớp học kéo dài {n_tiny} tháng, các học viên được hướng dẫn lý thuyết và thực hành trực"
        " tiếp tại cơ sở.",
        "Trung tâm Y tế thành phố đã tổ chức khám, cấp thuốc miễn phí cho {people} người cao tuổi"
        " và người có hoàn cảnh khó khăn.",
        "Hiện toàn thành phố có {n_small} câu lạc bộ văn nghệ, thể dục thể thao hoạt động thường"
        " xuyên tại các khóm, ấp.",
    ),
)
CLOSINGS = (
    "Phát biểu chỉ đạo, {leader} đề nghị các ngành, đoàn thể, UBND các phường, xã tiếp tục phát"
    " huy những kết quả đạt được, khắc phục hạn chế để hoàn thành tốt nhiệm vụ năm {year}.",
    "Thời gian tới, {subject} sẽ tiếp tục đẩy mạnh công tác tuyên truyền, nâng cao nhận thức và"
    " trách nhiệm của cán bộ, đảng viên và Nhân dân.",
    "Kết luận buổi làm việc, {leader} yêu cầu các đơn vị liên quan khẩn trương hoàn thiện hồ sơ,"
    " bảo đảm tiến độ và chất lượng theo kế hoạch đề ra.",
    "Dịp này, các đơn vị đã ký kết giao ước thi đua năm {year}./.",
    "Hoạt động góp phần thiết thực vào việc xây dựng TP. Trà Vinh ngày càng văn minh, giàu đẹp,"
    " đáng sống./.",
    "Các đại biểu thống nhất cao với các nhiệm vụ, giải pháp trọng tâm đã đề ra trong thời gian"
    " tới./.",
    "Phát biểu tại buổi lễ, {leader} mong muốn các cấp, các ngành quan tâm phối hợp, huy động mọi"
    " nguồn lực chăm lo đời sống Nhân dân.",
    "Dự kiến mô hình sẽ được nhân rộng ra các khóm, ấp còn lại trong quý {quarter} năm {year}.",
)

CAPTIONS = (
    "Quang cảnh buổi lễ",
    "Đại biểu tham dự hội nghị",
    "Quang cảnh buổi làm việc",
    "{leader_short} phát biểu tại buổi lễ",
    "Các đại biểu chụp ảnh lưu niệm",
)
SECTION_CAPTIONS = (
    ("Lãnh đạo thành phố trao quà cho các hộ gia đình", "Lực lượng tham gia ra quân"),
    ("Các đại biểu biểu quyết thông qua nghị quyết", "Cử tri phát biểu ý kiến tại buổi tiếp xúc"),
    ("Các đại biểu thực hiện nghi thức khởi công", "Sản phẩm OCOP được trưng bày tại hội nghị"),
    ("Các vận động viên thi đấu tại giải", "Tiết mục văn nghệ chào mừng"),
)

DOCUMENT_KINDS = (
    ("Kế hoạch", "{n}/KH-UBND"),
    ("Quyết định", "{n}/QĐ-UBND"),
    ("Thông báo", "{n}/TB-UBND"),
    ("Công văn", "{n}/UBND-VP"),
    ("Báo cáo", "{n}/BC-UBND"),
)
DOCUMENT_SUBJECTS = (
    "triển khai nhiệm vụ phát triển kinh tế - xã hội năm {year}",
    "tổ chức các hoạt động hưởng ứng {campaign} năm {year}",
    "công tác cải cách hành chính năm {year}",
    "phòng, chống thiên tai và tìm kiếm cứu nạn năm {year}",
    "kiện toàn Ban Chỉ đạo công tác {field} thành phố",
    "phân bổ kinh phí hỗ trợ hộ nghèo, hộ cận nghèo",
)

# Sentences written for the archive's abbreviation search test: the same news told with the
# abbreviation, with its expansion, and (UBND) with the other tone-mark placement. Each goes
# into the first paragraph of one old article (writer.ABBREVIATION_NOTE_SERIALS); no digits,
# so the day-change edits, which correct a figure, never pick them.
ABBREVIATION_NOTES = (
    "UBND xã Long Đức vừa phát động đợt ra quân vớt lục bình, khơi thông dòng chảy các tuyến"
    " kênh nội đồng.",
    "Ủy ban nhân dân xã Long Đức vừa phát động đợt ra quân vớt lục bình, khơi thông dòng chảy"
    " các tuyến kênh nội đồng.",
    "Uỷ ban nhân dân xã Long Đức vừa phát động đợt ra quân vớt lục bình, khơi thông dòng chảy"
    " các tuyến kênh nội đồng.",
    "HĐND thành phố đã tổ chức phiên giải trình về công tác nạo vét kênh rạch nội ô.",
    "Hội đồng nhân dân thành phố đã tổ chức phiên giải trình về công tác nạo vét kênh rạch nội ô.",
    "Người dân TP. Trà Vinh hưởng ứng phong trào trồng cây sao dầu dọc các tuyến đường mới.",
    "Người dân thành phố Trà Vinh hưởng ứng phong trào trồng cây sao dầu dọc các tuyến đường mới.",
)
