<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="vi_VN">
<context>
    <name></name>
    <message>
        <source>No commune profile yet: the setup wizard opened.</source>
        <translation>Chưa có hồ sơ xã: đã mở trình thiết lập lần đầu.</translation>
    </message>
    <message>
        <source>Self-test passed: {count} pages shown.</source>
        <translation>Tự kiểm tra đạt: đã hiển thị {count} trang.</translation>
    </message>
    <message>
        <source>Overview</source>
        <translation>Tổng quan</translation>
    </message>
    <message>
        <source>People &amp; households</source>
        <translation>Người dân &amp; hộ gia đình</translation>
    </message>
    <message>
        <source>The register of households and people, their eight digital outcomes, and search as you type.</source>
        <translation>Sổ hộ gia đình và người dân, tám kết quả số của từng người, tìm kiếm ngay khi gõ.</translation>
    </message>
    <message>
        <source>Citizen support</source>
        <translation>Hỗ trợ người dân</translation>
    </message>
    <message>
        <source>One-to-one help and group sessions by the community tech teams.</source>
        <translation>Hỗ trợ từng người và các buổi hướng dẫn nhóm của Tổ công nghệ số cộng đồng.</translation>
    </message>
    <message>
        <source>VNeID</source>
        <translation>VNeID</translation>
    </message>
    <message>
        <source>VNeID levels and activation status per person, and the worklists.</source>
        <translation>Mức độ và trạng thái kích hoạt VNeID của từng người, danh sách việc cần làm.</translation>
    </message>
    <message>
        <source>OCOP &amp; e-commerce</source>
        <translation>OCOP &amp; TMĐT</translation>
    </message>
    <message>
        <source>OCOP products, producers and their online shop listings.</source>
        <translation>Sản phẩm OCOP, chủ thể sản xuất và gian hàng trên sàn thương mại điện tử.</translation>
    </message>
    <message>
        <source>Community tech teams</source>
        <translation>Tổ CNSCĐ</translation>
    </message>
    <message>
        <source>The community digital technology team of each village, its members and their training.</source>
        <translation>Tổ công nghệ số cộng đồng của từng thôn, thành viên và các lớp tập huấn.</translation>
    </message>
    <message>
        <source>Self-assessment</source>
        <translation>Tự đánh giá</translation>
    </message>
    <message>
        <source>The yearly self-assessment against the province&apos;s criteria, and the dossier.</source>
        <translation>Tự đánh giá hằng năm theo bộ tiêu chí của tỉnh và hồ sơ đề nghị công nhận.</translation>
    </message>
    <message>
        <source>Reports</source>
        <translation>Báo cáo</translation>
    </message>
    <message>
        <source>Periodic reports in the official document format, and Excel exports.</source>
        <translation>Báo cáo định kỳ theo thể thức văn bản hành chính và xuất ra Excel.</translation>
    </message>
    <message>
        <source>Sync</source>
        <translation>Đồng bộ</translation>
    </message>
    <message>
        <source>Sending this commune&apos;s records to the province hub, by network or by USB file. The connection to the province is not built yet.</source>
        <translation>Gửi dữ liệu của xã lên hệ thống của tỉnh, qua mạng hoặc bằng tệp trên USB. Chức năng kết nối với tỉnh chưa được xây dựng.</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>Cài đặt</translation>
    </message>
    <message>
        <source>CĐS Xã</source>
        <translation>CĐS Xã</translation>
    </message>
    <message>
        <source>User: {name}</source>
        <translation>Người dùng: {name}</translation>
    </message>
    <message>
        <source>never synced</source>
        <translation>chưa đồng bộ lần nào</translation>
    </message>
    <message>
        <source>last synced {when}</source>
        <translation>lần cuối {when}</translation>
    </message>
    <message>
        <source>Sync: {when} · {count} changes waiting</source>
        <translation>Đồng bộ: {when} · {count} thay đổi chờ gửi</translation>
    </message>
</context>
<context>
    <name>CommunePage</name>
    <message>
        <source>Your commune</source>
        <translation>Xã của bạn</translation>
    </message>
    <message>
        <source>Pick the province and the commune or ward from the official 2025 list. Type part of the name; accents are optional.</source>
        <translation>Chọn tỉnh và xã/phường theo danh mục đơn vị hành chính năm 2025. Gõ một phần tên, không cần dấu.</translation>
    </message>
    <message>
        <source>e.g. muong lat</source>
        <translation>ví dụ: muong lat</translation>
    </message>
    <message>
        <source>Province</source>
        <translation>Tỉnh/thành phố</translation>
    </message>
    <message>
        <source>Search</source>
        <translation>Tìm</translation>
    </message>
</context>
<context>
    <name>NotBuiltPage</name>
    <message>
        <source>This module is not built yet. It will come in a later version; nothing on this page is recorded or counted today.</source>
        <translation>Chức năng này chưa được xây dựng và sẽ có trong phiên bản sau. Hiện trang này chưa ghi nhận hay tính toán số liệu nào.</translation>
    </message>
</context>
<context>
    <name>OverviewPage</name>
    <message>
        <source>Register</source>
        <translation>Sổ dân cư</translation>
    </message>
    <message>
        <source>Population figures</source>
        <translation>Số liệu dân số</translation>
    </message>
    <message>
        <source>Village</source>
        <translation>Thôn/bản</translation>
    </message>
    <message>
        <source>Households</source>
        <translation>Số hộ</translation>
    </message>
    <message>
        <source>People</source>
        <translation>Số người</translation>
    </message>
    <message>
        <source>Indicators, targets and charts of the dashboard come in a later version; the figures above are counted from the records on this computer.</source>
        <translation>Chỉ tiêu, mục tiêu và biểu đồ của bảng điều khiển sẽ có trong phiên bản sau; các con số trên được đếm từ dữ liệu trên máy này.</translation>
    </message>
    <message>
        <source>Villages</source>
        <translation>Số thôn/bản</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>chưa rõ</translation>
    </message>
    <message>
        <source>No figures yet</source>
        <translation>Chưa có số liệu</translation>
    </message>
    <message>
        <source>Year</source>
        <translation>Năm</translation>
    </message>
    <message>
        <source>Residents</source>
        <translation>Dân số</translation>
    </message>
    <message>
        <source>Adults</source>
        <translation>Người trưởng thành</translation>
    </message>
</context>
<context>
    <name>PopulationForm</name>
    <message>
        <source>Residents</source>
        <translation>Dân số</translation>
    </message>
    <message>
        <source>Adults (18 and over)</source>
        <translation>Người trưởng thành (từ 18 tuổi)</translation>
    </message>
    <message>
        <source>People aged 15 and over</source>
        <translation>Người từ 15 tuổi trở lên</translation>
    </message>
    <message>
        <source>Working-age people</source>
        <translation>Người trong độ tuổi lao động</translation>
    </message>
    <message>
        <source>Households</source>
        <translation>Số hộ</translation>
    </message>
    <message>
        <source>Figures for the year</source>
        <translation>Số liệu của năm</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>chưa rõ</translation>
    </message>
</context>
<context>
    <name>PopulationPage</name>
    <message>
        <source>Population figures</source>
        <translation>Số liệu dân số</translation>
    </message>
    <message>
        <source>Used as denominators while the register does not yet cover the whole commune. Leave unknown figures empty.</source>
        <translation>Dùng làm mẫu số khi sổ dân cư chưa phủ hết toàn xã. Số liệu chưa biết thì để trống.</translation>
    </message>
</context>
<context>
    <name>SettingsPage</name>
    <message>
        <source>Save names</source>
        <translation>Lưu tên cơ quan</translation>
    </message>
    <message>
        <source>Save figures</source>
        <translation>Lưu số liệu</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>Ngôn ngữ</translation>
    </message>
    <message>
        <source>Interface language</source>
        <translation>Ngôn ngữ giao diện</translation>
    </message>
    <message>
        <source>Names printed on documents</source>
        <translation>Tên in trên văn bản</translation>
    </message>
    <message>
        <source>Issuing body</source>
        <translation>Cơ quan ban hành</translation>
    </message>
    <message>
        <source>Receiving body (province)</source>
        <translation>Cơ quan nhận (cấp tỉnh)</translation>
    </message>
    <message>
        <source>Villages and residential groups</source>
        <translation>Thôn, bản, tổ dân phố</translation>
    </message>
    <message>
        <source>Population figures</source>
        <translation>Số liệu dân số</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>Cài đặt</translation>
    </message>
    <message>
        <source>The new language applies when CĐS Xã starts again.</source>
        <translation>Ngôn ngữ mới có hiệu lực khi mở lại CĐS Xã.</translation>
    </message>
    <message>
        <source>Figures recorded for {year}.</source>
        <translation>Đã có số liệu năm {year}.</translation>
    </message>
    <message>
        <source>No figures recorded for {year} yet.</source>
        <translation>Chưa có số liệu năm {year}.</translation>
    </message>
    <message>
        <source>Saved.</source>
        <translation>Đã lưu.</translation>
    </message>
</context>
<context>
    <name>SetupWizard</name>
    <message>
        <source>CĐS Xã: first-time setup</source>
        <translation>CĐS Xã: thiết lập lần đầu</translation>
    </message>
    <message>
        <source>&lt; &amp;Back</source>
        <translation>&lt; &amp;Quay lại</translation>
    </message>
    <message>
        <source>&amp;Next &gt;</source>
        <translation>&amp;Tiếp &gt;</translation>
    </message>
    <message>
        <source>&amp;Finish</source>
        <translation>&amp;Hoàn tất</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Huỷ</translation>
    </message>
    <message>
        <source>Choose the commune first.</source>
        <translation>Hãy chọn xã trước.</translation>
    </message>
</context>
<context>
    <name>SyncPage</name>
    <message>
        <source>{count} changes recorded on this computer are waiting to be sent to the province.</source>
        <translation>{count} thay đổi ghi trên máy này đang chờ gửi lên tỉnh.</translation>
    </message>
</context>
<context>
    <name>UserPage</name>
    <message>
        <source>Who uses this computer</source>
        <translation>Người sử dụng máy này</translation>
    </message>
    <message>
        <source>The first user of CĐS Xã on this computer.</source>
        <translation>Người sử dụng đầu tiên của CĐS Xã trên máy này.</translation>
    </message>
    <message>
        <source>e.g. Culture and Social Affairs officer</source>
        <translation>ví dụ: Công chức Văn hóa - Xã hội</translation>
    </message>
    <message>
        <source>Full name</source>
        <translation>Họ và tên</translation>
    </message>
    <message>
        <source>Position</source>
        <translation>Chức vụ</translation>
    </message>
</context>
<context>
    <name>VillageEditor</name>
    <message>
        <source>e.g. Thôn Đồng Tâm, Bản Hang</source>
        <translation>ví dụ: Thôn Đồng Tâm, Bản Hang</translation>
    </message>
    <message>
        <source>&amp;Add</source>
        <translation>&amp;Thêm</translation>
    </message>
    <message>
        <source>&amp;Rename</source>
        <translation>Đổi &amp;tên</translation>
    </message>
    <message>
        <source>Re&amp;move</source>
        <translation>&amp;Xoá</translation>
    </message>
    <message>
        <source>&amp;Merge into</source>
        <translation>&amp;Gộp vào</translation>
    </message>
    <message>
        <source>New village, hamlet or residential group:</source>
        <translation>Thêm thôn, bản, tổ dân phố:</translation>
    </message>
    <message>
        <source>{households} households, {people} people</source>
        <translation>{households} hộ, {people} người</translation>
    </message>
    <message>
        <source>Choose another village to merge into.</source>
        <translation>Hãy chọn một thôn/bản khác để gộp vào.</translation>
    </message>
    <message>
        <source>Merge “{source}” into “{target}”? Its households and people move to “{target}”, and “{source}” leaves the list.</source>
        <translation>Gộp “{source}” vào “{target}”? Các hộ và người dân sẽ chuyển sang “{target}”, và “{source}” không còn trong danh sách.</translation>
    </message>
    <message>
        <source>Merge villages</source>
        <translation>Gộp thôn/bản</translation>
    </message>
</context>
<context>
    <name>VillagesPage</name>
    <message>
        <source>Villages and residential groups</source>
        <translation>Thôn, bản, tổ dân phố</translation>
    </message>
    <message>
        <source>Add the thôn, bản, khối phố or tổ dân phố of the commune. Press Enter after each name. You can add more later.</source>
        <translation>Nhập các thôn, bản, khối phố, tổ dân phố của xã. Nhấn Enter sau mỗi tên. Có thể bổ sung sau.</translation>
    </message>
</context>
</TS>
