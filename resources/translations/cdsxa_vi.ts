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
        <source>Citizen support</source>
        <translation>Hỗ trợ người dân</translation>
    </message>
    <message>
        <source>VNeID</source>
        <translation>VNeID</translation>
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
    <name>ExportAction</name>
    <message>
        <source>Export to Excel</source>
        <translation>Xuất Excel</translation>
    </message>
    <message>
        <source>Excel workbook (*.xlsx)</source>
        <translation>Bảng tính Excel (*.xlsx)</translation>
    </message>
    <message>
        <source>Exporting to {path}…</source>
        <translation>Đang xuất ra {path}…</translation>
    </message>
    <message>
        <source>Exported {count} rows to {path}.</source>
        <translation>Đã xuất {count} dòng ra {path}.</translation>
    </message>
    <message>
        <source>Excel export failed: {reason}</source>
        <translation>Không xuất được Excel: {reason}</translation>
    </message>
</context>
<context>
    <name>GroupForm</name>
    <message>
        <source>e.g. village cultural house</source>
        <translation>ví dụ: nhà văn hóa thôn</translation>
    </message>
    <message>
        <source>Remove from list</source>
        <translation>Bỏ khỏi danh sách</translation>
    </message>
    <message>
        <source>names listed above</source>
        <translation>theo danh sách tên ở trên</translation>
    </message>
    <message>
        <source>Save class</source>
        <translation>Lưu buổi hướng dẫn</translation>
    </message>
    <message>
        <source>Date</source>
        <translation>Ngày</translation>
    </message>
    <message>
        <source>Village</source>
        <translation>Thôn/bản</translation>
    </message>
    <message>
        <source>Place</source>
        <translation>Địa điểm</translation>
    </message>
    <message>
        <source>Topic</source>
        <translation>Nội dung</translation>
    </message>
    <message>
        <source>Trainer</source>
        <translation>Người hướng dẫn</translation>
    </message>
    <message>
        <source>Add an attendee</source>
        <translation>Thêm người tham dự</translation>
    </message>
    <message>
        <source>Attendees</source>
        <translation>Người tham dự</translation>
    </message>
    <message>
        <source>Or only a head count</source>
        <translation>Hoặc chỉ ghi số người</translation>
    </message>
    <message>
        <source>Notes</source>
        <translation>Ghi chú</translation>
    </message>
    <message>
        <source>Whole commune</source>
        <translation>Toàn xã</translation>
    </message>
    <message>
        <source>(not recorded)</source>
        <translation>(không ghi)</translation>
    </message>
    <message>
        <source>Saved: {topic}, {count} attendees.</source>
        <translation>Đã lưu: {topic}, {count} người tham dự.</translation>
    </message>
</context>
<context>
    <name>ImportDialog</name>
    <message>
        <source>Import people from Excel</source>
        <translation>Nhập người dân từ Excel</translation>
    </message>
    <message>
        <source>Reading {file}…</source>
        <translation>Đang đọc {file}…</translation>
    </message>
    <message>
        <source>Check again with these columns</source>
        <translation>Kiểm tra lại với các cột này</translation>
    </message>
    <message>
        <source>Add these villages to the commune</source>
        <translation>Thêm các thôn/bản này vào danh sách của xã</translation>
    </message>
    <message>
        <source>Row</source>
        <translation>Dòng</translation>
    </message>
    <message>
        <source>What will happen</source>
        <translation>Sẽ làm gì</translation>
    </message>
    <message>
        <source>Full name</source>
        <translation>Họ và tên</translation>
    </message>
    <message>
        <source>Reason or warning</source>
        <translation>Lý do hoặc cảnh báo</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Đóng</translation>
    </message>
    <message>
        <source>Columns read</source>
        <translation>Các cột được đọc</translation>
    </message>
    <message>
        <source>Nothing was imported.</source>
        <translation>Chưa nhập gì.</translation>
    </message>
    <message>
        <source>Not in the commune&apos;s list of villages: {names}.</source>
        <translation>Chưa có trong danh sách thôn/bản của xã: {names}.</translation>
    </message>
    <message>
        <source>Import {count} people</source>
        <translation>Nhập {count} người</translation>
    </message>
    <message>
        <source>{count} rows have errors: correct the file (or the columns) first. Nothing is imported while any row has an error.</source>
        <translation>Có {count} dòng lỗi: hãy sửa tệp (hoặc chọn lại cột) trước. Chưa nhập gì khi còn dòng lỗi.</translation>
    </message>
    <message>
        <source>(not read)</source>
        <translation>(không đọc)</translation>
    </message>
    <message>
        <source>Importing…</source>
        <translation>Đang nhập…</translation>
    </message>
    <message>
        <source>Imported</source>
        <translation>Đã nhập</translation>
    </message>
</context>
<context>
    <name>NewCitizen</name>
    <message>
        <source>New citizen (added to the register with this session)</source>
        <translation>Người dân mới (thêm vào sổ cùng lượt hỗ trợ này)</translation>
    </message>
    <message>
        <source>Male</source>
        <translation>Nam</translation>
    </message>
    <message>
        <source>Female</source>
        <translation>Nữ</translation>
    </message>
    <message>
        <source>Full name</source>
        <translation>Họ và tên</translation>
    </message>
    <message>
        <source>Gender</source>
        <translation>Giới tính</translation>
    </message>
    <message>
        <source>Year of birth</source>
        <translation>Năm sinh</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>Số điện thoại</translation>
    </message>
    <message>
        <source>Village</source>
        <translation>Thôn/bản</translation>
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
    <name>PeopleModel</name>
    <message>
        <source>Full name</source>
        <translation>Họ và tên</translation>
    </message>
    <message>
        <source>Gender</source>
        <translation>Giới tính</translation>
    </message>
    <message>
        <source>Date of birth</source>
        <translation>Ngày sinh</translation>
    </message>
    <message>
        <source>ID number</source>
        <translation>Số định danh</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>Số điện thoại</translation>
    </message>
    <message>
        <source>Village</source>
        <translation>Thôn</translation>
    </message>
    <message>
        <source>Household code</source>
        <translation>Mã hộ</translation>
    </message>
    <message>
        <source>Male</source>
        <translation>Nam</translation>
    </message>
    <message>
        <source>Female</source>
        <translation>Nữ</translation>
    </message>
</context>
<context>
    <name>PeoplePage</name>
    <message>
        <source>&amp;Add person</source>
        <translation>&amp;Thêm người</translation>
    </message>
    <message>
        <source>Export to E&amp;xcel</source>
        <translation>&amp;Xuất Excel</translation>
    </message>
    <message>
        <source>Search by name, ID number, phone or household code (accents optional)</source>
        <translation>Tìm theo họ tên, số định danh, số điện thoại hoặc mã hộ (gõ không dấu cũng được)</translation>
    </message>
    <message>
        <source>Add a person (Ctrl+N)</source>
        <translation>Thêm người (Ctrl+N)</translation>
    </message>
    <message>
        <source>People &amp; households</source>
        <translation>Người dân &amp; hộ gia đình</translation>
    </message>
    <message>
        <source>All villages</source>
        <translation>Tất cả thôn</translation>
    </message>
    <message>
        <source>{count} people</source>
        <translation>{count} người</translation>
    </message>
    <message>
        <source>Saved: {name}.</source>
        <translation>Đã lưu: {name}.</translation>
    </message>
    <message>
        <source>Export to Excel</source>
        <translation>Xuất Excel</translation>
    </message>
    <message>
        <source>Excel workbook (*.xlsx)</source>
        <translation>Bảng tính Excel (*.xlsx)</translation>
    </message>
    <message>
        <source>&amp;Import from Excel…</source>
        <translation>&amp;Nhập từ Excel…</translation>
    </message>
    <message>
        <source>Import people from Excel</source>
        <translation>Nhập người dân từ Excel</translation>
    </message>
    <message>
        <source>Exporting to {path}…</source>
        <translation>Đang xuất ra {path}…</translation>
    </message>
    <message>
        <source>Exported to {path}.</source>
        <translation>Đã xuất ra {path}.</translation>
    </message>
    <message>
        <source>Exported {count} people to {path}.</source>
        <translation>Đã xuất {count} người ra {path}.</translation>
    </message>
    <message>
        <source>Excel export failed: {reason}</source>
        <translation>Không xuất được Excel: {reason}</translation>
    </message>
</context>
<context>
    <name>PersonForm</name>
    <message>
        <source>dd/mm/yyyy, or the year only</source>
        <translation>dd/mm/yyyy, hoặc chỉ năm sinh</translation>
    </message>
    <message>
        <source>12 digits</source>
        <translation>12 chữ số</translation>
    </message>
    <message>
        <source>e.g. 0912 345 678</source>
        <translation>ví dụ 0912 345 678</translation>
    </message>
    <message>
        <source>dd/mm/yyyy</source>
        <translation>dd/mm/yyyy</translation>
    </message>
    <message>
        <source>Fibre broadband (the household&apos;s)</source>
        <translation>Internet cáp quang (của hộ)</translation>
    </message>
    <message>
        <source>Smartphone</source>
        <translation>Điện thoại thông minh</translation>
    </message>
    <message>
        <source>Digital payment account</source>
        <translation>Tài khoản thanh toán số</translation>
    </message>
    <message>
        <source>Online public-service account</source>
        <translation>Tài khoản dịch vụ công trực tuyến</translation>
    </message>
    <message>
        <source>Personal digital signature</source>
        <translation>Chữ ký số cá nhân</translation>
    </message>
    <message>
        <source>Basic protection software</source>
        <translation>Phần mềm bảo vệ cơ bản</translation>
    </message>
    <message>
        <source>Basic digital skills</source>
        <translation>Kỹ năng số cơ bản</translation>
    </message>
    <message>
        <source>Male</source>
        <translation>Nam</translation>
    </message>
    <message>
        <source>Female</source>
        <translation>Nữ</translation>
    </message>
    <message>
        <source>Full &amp;name</source>
        <translation>&amp;Họ và tên</translation>
    </message>
    <message>
        <source>&amp;Gender</source>
        <translation>&amp;Giới tính</translation>
    </message>
    <message>
        <source>Date of &amp;birth</source>
        <translation>&amp;Ngày sinh</translation>
    </message>
    <message>
        <source>&amp;Ethnicity</source>
        <translation>&amp;Dân tộc</translation>
    </message>
    <message>
        <source>&amp;ID number</source>
        <translation>&amp;Số định danh</translation>
    </message>
    <message>
        <source>&amp;Phone</source>
        <translation>Số đ&amp;iện thoại</translation>
    </message>
    <message>
        <source>&amp;Village</source>
        <translation>&amp;Thôn</translation>
    </message>
    <message>
        <source>&amp;Household code</source>
        <translation>&amp;Mã hộ</translation>
    </message>
    <message>
        <source>&amp;Relation to head</source>
        <translation>&amp;Quan hệ với chủ hộ</translation>
    </message>
    <message>
        <source>N&amp;otes</source>
        <translation>Ghi &amp;chú</translation>
    </message>
    <message>
        <source>Digital outcomes (date reached)</source>
        <translation>Kết quả chuyển đổi số (ngày đạt)</translation>
    </message>
    <message>
        <source>Digital identity (VNeID)</source>
        <translation>Danh tính số (VNeID)</translation>
    </message>
    <message>
        <source>Leave the date blank when it is not known. VNeID steps are recorded on the VNeID page.</source>
        <translation>Để trống ngày nếu không rõ. Các bước VNeID được ghi ở trang VNeID.</translation>
    </message>
    <message>
        <source>&amp;Save</source>
        <translation>&amp;Lưu</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Hủy</translation>
    </message>
    <message>
        <source>Add a person</source>
        <translation>Thêm người</translation>
    </message>
    <message>
        <source>Person: {name}</source>
        <translation>Người: {name}</translation>
    </message>
    <message>
        <source>Guided</source>
        <translation>Đã hướng dẫn</translation>
    </message>
    <message>
        <source>Registered</source>
        <translation>Đã đăng ký</translation>
    </message>
    <message>
        <source>Approved</source>
        <translation>Đã được duyệt</translation>
    </message>
    <message>
        <source>Activated</source>
        <translation>Đã kích hoạt</translation>
    </message>
    <message>
        <source>Not successful</source>
        <translation>Không thành công</translation>
    </message>
    <message>
        <source>No VNeID step recorded.</source>
        <translation>Chưa ghi bước VNeID nào.</translation>
    </message>
    <message>
        <source>level {level}</source>
        <translation>mức {level}</translation>
    </message>
    <message>
        <source>New household: it is added when you save.</source>
        <translation>Hộ mới: sẽ được thêm khi lưu.</translation>
    </message>
    <message>
        <source>Household of {count} people.</source>
        <translation>Hộ có {count} người.</translation>
    </message>
    <message>
        <source>ID number {number} is already in the register: {name}. Their record is open; nothing new was added.</source>
        <translation>Số định danh {number} đã có trong sổ: {name}. Đã mở hồ sơ của người này, không thêm người mới.</translation>
    </message>
    <message>
        <source>ID number {number} belongs to {name}, already in the register.</source>
        <translation>Số định danh {number} là của {name}, đã có trong sổ.</translation>
    </message>
</context>
<context>
    <name>PersonPicker</name>
    <message>
        <source>Type a name, ID number or phone</source>
        <translation>Gõ tên, số định danh hoặc số điện thoại</translation>
    </message>
    <message>
        <source>{count} matches: ↓ to choose, Enter to take</source>
        <translation>{count} người khớp: ↓ để chọn, Enter để lấy</translation>
    </message>
    <message>
        <source>Nobody matches. Add the citizen below.</source>
        <translation>Không có ai khớp. Hãy thêm người dân mới.</translation>
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
    <name>SessionForm</name>
    <message>
        <source>&amp;New citizen</source>
        <translation>Người &amp;mới</translation>
    </message>
    <message>
        <source>Why it could not be done</source>
        <translation>Lý do không thực hiện được</translation>
    </message>
    <message>
        <source> min</source>
        <translation> phút</translation>
    </message>
    <message>
        <source>&amp;Save session</source>
        <translation>&amp;Lưu lượt hỗ trợ</translation>
    </message>
    <message>
        <source>level unknown</source>
        <translation>chưa rõ mức</translation>
    </message>
    <message>
        <source>Level 1</source>
        <translation>Mức 1</translation>
    </message>
    <message>
        <source>Level 2</source>
        <translation>Mức 2</translation>
    </message>
    <message>
        <source>(not a VNeID failure)</source>
        <translation>(không phải lỗi VNeID)</translation>
    </message>
    <message>
        <source>Date</source>
        <translation>Ngày</translation>
    </message>
    <message>
        <source>Citizen</source>
        <translation>Người dân</translation>
    </message>
    <message>
        <source>Helped by</source>
        <translation>Người hỗ trợ</translation>
    </message>
    <message>
        <source>Topics</source>
        <translation>Nội dung</translation>
    </message>
    <message>
        <source>Result</source>
        <translation>Kết quả</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>Lý do</translation>
    </message>
    <message>
        <source>VNeID</source>
        <translation>VNeID</translation>
    </message>
    <message>
        <source>Minutes</source>
        <translation>Số phút</translation>
    </message>
    <message>
        <source>Notes</source>
        <translation>Ghi chú</translation>
    </message>
    <message>
        <source>(nobody from the team)</source>
        <translation>(không có thành viên tổ)</translation>
    </message>
    <message>
        <source>Saved: a session with {name}.</source>
        <translation>Đã lưu lượt hỗ trợ cho {name}.</translation>
    </message>
    <message>
        <source>Choose the citizen, or add a new one.</source>
        <translation>Hãy chọn người dân, hoặc thêm người mới.</translation>
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
    <name>SupportPage</name>
    <message>
        <source>One-to-one help</source>
        <translation>Hỗ trợ từng người</translation>
    </message>
    <message>
        <source>Group class</source>
        <translation>Hướng dẫn nhóm</translation>
    </message>
    <message>
        <source>Date</source>
        <translation>Ngày</translation>
    </message>
    <message>
        <source>Citizen</source>
        <translation>Người dân</translation>
    </message>
    <message>
        <source>Village</source>
        <translation>Thôn/bản</translation>
    </message>
    <message>
        <source>Topics</source>
        <translation>Nội dung</translation>
    </message>
    <message>
        <source>Result</source>
        <translation>Kết quả</translation>
    </message>
    <message>
        <source>Delete the chosen session</source>
        <translation>Xoá lượt đã chọn</translation>
    </message>
    <message>
        <source>Export to Excel</source>
        <translation>Xuất Excel</translation>
    </message>
    <message>
        <source>Latest support sessions</source>
        <translation>Các lượt hỗ trợ gần đây</translation>
    </message>
    <message>
        <source>Latest sessions</source>
        <translation>Các lượt hỗ trợ gần đây</translation>
    </message>
    <message>
        <source>Citizen support</source>
        <translation>Hỗ trợ người dân</translation>
    </message>
    <message>
        <source>Choose a session in the list first.</source>
        <translation>Hãy chọn một lượt hỗ trợ trong danh sách trước.</translation>
    </message>
    <message>
        <source>Delete the session of {date} with {name}? Outcomes it reached are undone.</source>
        <translation>Xoá lượt hỗ trợ ngày {date} cho {name}? Các kết quả lượt này đã ghi nhận sẽ được hoàn lại.</translation>
    </message>
    <message>
        <source>Delete session</source>
        <translation>Xoá lượt hỗ trợ</translation>
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
    <name>TeamsPage</name>
    <message>
        <source>Active members</source>
        <translation>Thành viên</translation>
    </message>
    <message>
        <source>Village</source>
        <translation>Thôn/bản</translation>
    </message>
    <message>
        <source>Trained</source>
        <translation>Đã tập huấn</translation>
    </message>
    <message>
        <source>Full name</source>
        <translation>Họ và tên</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>Vai trò</translation>
    </message>
    <message>
        <source>Comes from</source>
        <translation>Thuộc tổ chức</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>Số điện thoại</translation>
    </message>
    <message>
        <source>Joined</source>
        <translation>Ngày vào tổ</translation>
    </message>
    <message>
        <source>Left</source>
        <translation>Ngày rời tổ</translation>
    </message>
    <message>
        <source>Training hours</source>
        <translation>Số giờ tập huấn</translation>
    </message>
    <message>
        <source>Add member</source>
        <translation>Thêm thành viên</translation>
    </message>
    <message>
        <source>Save phone and role</source>
        <translation>Lưu số điện thoại và vai trò</translation>
    </message>
    <message>
        <source>Left the team on</source>
        <translation>Rời tổ ngày</translation>
    </message>
    <message>
        <source>e.g. Basic digital skills</source>
        <translation>ví dụ: Kỹ năng số cơ bản</translation>
    </message>
    <message>
        <source>Add training</source>
        <translation>Thêm lớp tập huấn</translation>
    </message>
    <message>
        <source>Export all members to Excel</source>
        <translation>Xuất danh sách thành viên ra Excel</translation>
    </message>
    <message>
        <source>New member of the selected team</source>
        <translation>Thành viên mới của tổ đang chọn</translation>
    </message>
    <message>
        <source>Person in the register (optional)</source>
        <translation>Người trong sổ dân cư (không bắt buộc)</translation>
    </message>
    <message>
        <source>Selected member</source>
        <translation>Thành viên đang chọn</translation>
    </message>
    <message>
        <source>Course</source>
        <translation>Lớp tập huấn</translation>
    </message>
    <message>
        <source>Date</source>
        <translation>Ngày</translation>
    </message>
    <message>
        <source>Hours</source>
        <translation>Số giờ</translation>
    </message>
    <message>
        <source>Community tech teams</source>
        <translation>Tổ công nghệ số cộng đồng</translation>
    </message>
    <message>
        <source>Set up teams for {count} villages without one</source>
        <translation>Lập tổ cho {count} thôn/bản chưa có tổ</translation>
    </message>
    <message>
        <source>Community tech team members</source>
        <translation>Thành viên Tổ công nghệ số cộng đồng</translation>
    </message>
    <message>
        <source>Choose a team first.</source>
        <translation>Hãy chọn một tổ trước.</translation>
    </message>
    <message>
        <source>Choose a member first.</source>
        <translation>Hãy chọn một thành viên trước.</translation>
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
<context>
    <name>VneidPage</name>
    <message>
        <source>level unknown</source>
        <translation>chưa rõ mức</translation>
    </message>
    <message>
        <source>Level 1</source>
        <translation>Mức 1</translation>
    </message>
    <message>
        <source>Level 2</source>
        <translation>Mức 2</translation>
    </message>
    <message>
        <source>Record step</source>
        <translation>Ghi nhận bước</translation>
    </message>
    <message>
        <source>Export list to Excel</source>
        <translation>Xuất danh sách ra Excel</translation>
    </message>
    <message>
        <source>VNeID</source>
        <translation>VNeID</translation>
    </message>
    <message>
        <source>Village</source>
        <translation>Thôn/bản</translation>
    </message>
    <message>
        <source>Record a step for the chosen person</source>
        <translation>Ghi nhận một bước cho người đang chọn</translation>
    </message>
    <message>
        <source>Step</source>
        <translation>Bước</translation>
    </message>
    <message>
        <source>Date</source>
        <translation>Ngày</translation>
    </message>
    <message>
        <source>Level</source>
        <translation>Mức</translation>
    </message>
    <message>
        <source>Helped by</source>
        <translation>Người hỗ trợ</translation>
    </message>
    <message>
        <source>Reason it failed</source>
        <translation>Lý do không thành công</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>Ghi chú</translation>
    </message>
    <message>
        <source>All villages</source>
        <translation>Tất cả thôn/bản</translation>
    </message>
    <message>
        <source>(not recorded)</source>
        <translation>(không ghi)</translation>
    </message>
    <message>
        <source>Waiting for activation ({count})</source>
        <translation>Chờ kích hoạt ({count})</translation>
    </message>
    <message>
        <source>No account yet, aged 14+ ({count})</source>
        <translation>Chưa có tài khoản, từ 14 tuổi ({count})</translation>
    </message>
    <message>
        <source>Choose a person in the list.</source>
        <translation>Hãy chọn một người trong danh sách.</translation>
    </message>
</context>
<context>
    <name>Worklist</name>
    <message>
        <source>Full name</source>
        <translation>Họ và tên</translation>
    </message>
    <message>
        <source>Village</source>
        <translation>Thôn/bản</translation>
    </message>
    <message>
        <source>Household</source>
        <translation>Mã hộ</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>Số điện thoại</translation>
    </message>
    <message>
        <source>Status since</source>
        <translation>Trạng thái từ ngày</translation>
    </message>
</context>
</TS>
