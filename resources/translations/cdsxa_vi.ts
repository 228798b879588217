<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="vi_VN">
<context>
    <name></name>
    <message>
        <source>The data folder {path} holds an unfinished profile. Move it away to set up the commune again.</source>
        <translation>Thư mục dữ liệu {path} chứa một hồ sơ thiết lập dở dang. Hãy chuyển thư mục này sang chỗ khác rồi thiết lập lại xã.</translation>
    </message>
    <message>
        <source>No commune profile yet: the setup wizard opened.</source>
        <translation>Chưa có hồ sơ xã: đã mở trình thiết lập lần đầu.</translation>
    </message>
    <message>
        <source>The data is not encrypted yet: the encryption dialog opened.</source>
        <translation>Dữ liệu chưa được mã hóa: đã mở hộp thoại mã hóa.</translation>
    </message>
    <message>
        <source>The data passphrase was asked for.</source>
        <translation>Đã hỏi mật khẩu dữ liệu.</translation>
    </message>
    <message>
        <source>Self-test failed: the data key is needed. Set CDSXA_PASSPHRASE to the data passphrase and run it again.</source>
        <translation>Tự kiểm tra không đạt: cần khóa dữ liệu. Hãy đặt biến môi trường CDSXA_PASSPHRASE là mật khẩu dữ liệu rồi chạy lại.</translation>
    </message>
    <message>
        <source>No administrator yet: the dialog to create one opened.</source>
        <translation>Chưa có tài khoản quản trị: đã mở hộp thoại tạo tài khoản quản trị.</translation>
    </message>
    <message>
        <source>The sign-in dialog opened. Set CDSXA_SELF_TEST_USER and CDSXA_SELF_TEST_PASSWORD to sign in and show every page.</source>
        <translation>Đã mở hộp thoại đăng nhập. Hãy đặt biến môi trường CDSXA_SELF_TEST_USER và CDSXA_SELF_TEST_PASSWORD để đăng nhập và hiển thị mọi trang.</translation>
    </message>
    <message>
        <source>Self-test failed: it needs a sign-in. Set CDSXA_SELF_TEST_USER and CDSXA_SELF_TEST_PASSWORD (a user of this profile) and run it again.</source>
        <translation>Tự kiểm tra không đạt: cần đăng nhập. Hãy đặt biến môi trường CDSXA_SELF_TEST_USER và CDSXA_SELF_TEST_PASSWORD (một tài khoản của hồ sơ này) rồi chạy lại.</translation>
    </message>
    <message>
        <source>Finishing the work in progress (backup, export) before closing…</source>
        <translation>Đang hoàn tất công việc dở dang (sao lưu, xuất tệp) trước khi đóng…</translation>
    </message>
    <message>
        <source>Self-test passed: {count} pages shown.</source>
        <translation>Tự kiểm tra đạt: đã hiển thị {count} trang.</translation>
    </message>
    <message>
        <source>Your role shows counts only. The figures of this module are on the Overview and in the Reports.</source>
        <translation>Vai trò của bạn chỉ xem được số liệu tổng hợp. Số liệu của chức năng này có ở trang Tổng quan và mục Báo cáo.</translation>
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
        <source>Only the commune administrator syncs with the province.</source>
        <translation>Chỉ quản trị xã được đồng bộ dữ liệu với tỉnh.</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>Cài đặt</translation>
    </message>
    <message>
        <source>Users</source>
        <translation>Người dùng</translation>
    </message>
    <message>
        <source>Only the commune administrator manages user accounts.</source>
        <translation>Chỉ quản trị xã được quản lý tài khoản người dùng.</translation>
    </message>
    <message>
        <source>Activity log</source>
        <translation>Nhật ký hoạt động</translation>
    </message>
    <message>
        <source>Only the commune administrator reads the activity log.</source>
        <translation>Chỉ quản trị xã được xem nhật ký hoạt động.</translation>
    </message>
    <message>
        <source>&amp;Lock</source>
        <translation>&amp;Khóa màn hình</translation>
    </message>
    <message>
        <source>Lock CĐS Xã now (Ctrl+L)</source>
        <translation>Khóa CĐS Xã ngay (Ctrl+L)</translation>
    </message>
    <message>
        <source>Sign &amp;out</source>
        <translation>Đăng &amp;xuất</translation>
    </message>
    <message>
        <source>Something unexpected went wrong: what you were doing may not have been saved. Check it and try again; if it happens again, note what you did and send the log file (cdsxa.log in the data folder) to whoever supports CĐS Xã for you.</source>
        <translation>Đã xảy ra lỗi không mong đợi: việc vừa làm có thể chưa được lưu. Hãy kiểm tra rồi thử lại; nếu vẫn lỗi, hãy ghi lại việc đã làm và gửi tệp nhật ký (cdsxa.log trong thư mục dữ liệu) cho người hỗ trợ CĐS Xã.</translation>
    </message>
    <message>
        <source>CĐS Xã</source>
        <translation>CĐS Xã</translation>
    </message>
    <message>
        <source>User: {name} ({role})</source>
        <translation>Người dùng: {name} ({role})</translation>
    </message>
    <message>
        <source>Sign out</source>
        <translation>Đăng xuất</translation>
    </message>
    <message>
        <source>Signing out closes the open forms; what was typed and not saved is lost. Sign out?</source>
        <translation>Đăng xuất sẽ đóng các biểu mẫu đang mở; nội dung đã nhập mà chưa lưu sẽ bị mất. Bạn có chắc muốn đăng xuất?</translation>
    </message>
    <message>
        <source>never synced</source>
        <translation>chưa đồng bộ lần nào</translation>
    </message>
    <message>
        <source>Sign out (Ctrl+Shift+Q)</source>
        <translation>Đăng xuất (Ctrl+Shift+Q)</translation>
    </message>
    <message>
        <source>&amp;Keyboard shortcuts</source>
        <translation>&amp;Phím tắt</translation>
    </message>
    <message>
        <source>&amp;CĐS Xã</source>
        <translation>&amp;CĐS Xã</translation>
    </message>
    <message>
        <source>&amp;Go to</source>
        <translation>Đến &amp;trang</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>Trợ &amp;giúp</translation>
    </message>
    <message>
        <source>Syncing…</source>
        <translation>Đang đồng bộ…</translation>
    </message>
    <message>
        <source>Sync: not enrolled with the province</source>
        <translation>Đồng bộ: chưa đăng ký với tỉnh</translation>
    </message>
    <message>
        <source>Sync by file: {count} changes waiting</source>
        <translation>Đồng bộ bằng tệp: {count} thay đổi chờ gửi</translation>
    </message>
    <message>
        <source>last synced {when}</source>
        <translation>lần cuối {when}</translation>
    </message>
    <message>
        <source>Sync: {when} · {count} changes waiting</source>
        <translation>Đồng bộ: {when} · {count} thay đổi chờ gửi</translation>
    </message>
    <message>
        <source>{count} conflicts</source>
        <translation>{count} xung đột</translation>
    </message>
    <message>
        <source>last attempt failed</source>
        <translation>lần gần nhất bị lỗi</translation>
    </message>
    <message>
        <source>Sending {done}/{total} changes</source>
        <translation>Đang gửi {done}/{total} thay đổi</translation>
    </message>
    <message>
        <source>Receiving… ({count} changes so far)</source>
        <translation>Đang nhận… (đã nhận {count} thay đổi)</translation>
    </message>
    <message>
        <source>Receiving…</source>
        <translation>Đang nhận…</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>Không thành công</translation>
    </message>
    <message>
        <source>Done, {count} changes refused</source>
        <translation>Thành công, {count} thay đổi bị từ chối</translation>
    </message>
    <message>
        <source>Done</source>
        <translation>Thành công</translation>
    </message>
    <message>
        <source>Working…</source>
        <translation>Đang xử lý…</translation>
    </message>
    <message>
        <source>Saving…</source>
        <translation>Đang lưu…</translation>
    </message>
</context>
<context>
    <name>AccountFields</name>
    <message>
        <source>e.g. Culture and Social Affairs officer</source>
        <translation>ví dụ: Công chức Văn hóa - Xã hội</translation>
    </message>
    <message>
        <source>e.g. lan.ht</source>
        <translation>ví dụ: lan.ht</translation>
    </message>
    <message>
        <source>Full name</source>
        <translation>Họ và tên</translation>
    </message>
    <message>
        <source>Position</source>
        <translation>Chức vụ</translation>
    </message>
    <message>
        <source>Sign-in name</source>
        <translation>Tên đăng nhập</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>Mật khẩu</translation>
    </message>
    <message>
        <source>Password again</source>
        <translation>Nhập lại mật khẩu</translation>
    </message>
    <message>
        <source>Type the administrator&apos;s full name.</source>
        <translation>Hãy nhập họ tên người quản trị.</translation>
    </message>
    <message>
        <source>Choose a sign-in name.</source>
        <translation>Hãy đặt tên đăng nhập.</translation>
    </message>
</context>
<context>
    <name>AdminPage</name>
    <message>
        <source>The commune administrator</source>
        <translation>Người quản trị xã</translation>
    </message>
    <message>
        <source>Everyone signs in to CĐS Xã. This first account administers it: it adds the other users and changes the settings.</source>
        <translation>Mọi người đều phải đăng nhập để dùng CĐS Xã. Tài khoản đầu tiên này là tài khoản quản trị: dùng để thêm những người dùng khác và thay đổi cài đặt.</translation>
    </message>
</context>
<context>
    <name>AuditPage</name>
    <message>
        <source>All actions</source>
        <translation>Mọi thao tác</translation>
    </message>
    <message>
        <source>All kinds of record</source>
        <translation>Mọi loại dữ liệu</translation>
    </message>
    <message>
        <source>From</source>
        <translation>Từ ngày</translation>
    </message>
    <message>
        <source>To</source>
        <translation>Đến ngày</translation>
    </message>
    <message>
        <source>Show</source>
        <translation>Xem</translation>
    </message>
    <message>
        <source>Load more</source>
        <translation>Xem thêm</translation>
    </message>
    <message>
        <source>Export…</source>
        <translation>Xuất Excel…</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>Thời gian</translation>
    </message>
    <message>
        <source>Who</source>
        <translation>Người thực hiện</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>Thao tác</translation>
    </message>
    <message>
        <source>Record</source>
        <translation>Loại dữ liệu</translation>
    </message>
    <message>
        <source>What changed</source>
        <translation>Nội dung thay đổi</translation>
    </message>
    <message>
        <source>Activity log</source>
        <translation>Nhật ký hoạt động</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>Đang tải…</translation>
    </message>
    <message>
        <source>Everyone</source>
        <translation>Mọi người</translation>
    </message>
    <message>
        <source>No entries match these filters.</source>
        <translation>Không có mục nào khớp với bộ lọc.</translation>
    </message>
    <message>
        <source>{count} entries shown, newest first.</source>
        <translation>Đang hiển thị {count} mục, mới nhất ở trên cùng.</translation>
    </message>
    <message>
        <source>There are more.</source>
        <translation>Vẫn còn các mục cũ hơn.</translation>
    </message>
    <message>
        <source>Exporting to {path}…</source>
        <translation>Đang xuất ra {path}…</translation>
    </message>
    <message>
        <source>Exported {count} entries to {path}.</source>
        <translation>Đã xuất {count} mục ra {path}.</translation>
    </message>
    <message>
        <source>Export failed: {reason}</source>
        <translation>Không xuất được: {reason}</translation>
    </message>
</context>
<context>
    <name>BackupPanel</name>
    <message>
        <source>Automatic backups have stopped</source>
        <translation>Sao lưu tự động đã dừng</translation>
    </message>
    <message>
        <source>Backups</source>
        <translation>Sao lưu</translation>
    </message>
    <message>
        <source>Open folder</source>
        <translation>Mở thư mục</translation>
    </message>
    <message>
        <source>Back up to USB…</source>
        <translation>Sao lưu ra USB…</translation>
    </message>
    <message>
        <source>Restore from backup…</source>
        <translation>Khôi phục từ bản sao lưu…</translation>
    </message>
    <message>
        <source>Last automatic backup</source>
        <translation>Lần sao lưu tự động gần nhất</translation>
    </message>
    <message>
        <source>Backup folder</source>
        <translation>Thư mục sao lưu</translation>
    </message>
    <message>
        <source>A backup is made automatically every day; the last 14 days and one a month for a year are kept. Backups are encrypted: they open only with this profile&apos;s key or its recovery key.</source>
        <translation>Mỗi ngày CĐS Xã tự động sao lưu một lần; giữ lại bản của 14 ngày gần nhất và mỗi tháng một bản trong vòng một năm. Bản sao lưu được mã hóa: chỉ mở được bằng khóa của hồ sơ này hoặc khóa khôi phục của hồ sơ.</translation>
    </message>
    <message>
        <source>None yet</source>
        <translation>Chưa có</translation>
    </message>
    <message>
        <source>{time} · {file} ({kept} kept)</source>
        <translation>{time} · {file} (đang giữ {kept} bản)</translation>
    </message>
    <message>
        <source>Only administrators back up and restore.</source>
        <translation>Chỉ quản trị xã được sao lưu và khôi phục.</translation>
    </message>
    <message>
        <source>Back up to USB</source>
        <translation>Sao lưu ra USB</translation>
    </message>
    <message>
        <source>CĐS Xã backup (*{suffix})</source>
        <translation>Bản sao lưu CĐS Xã (*{suffix})</translation>
    </message>
    <message>
        <source>Backing up to {path}…</source>
        <translation>Đang sao lưu vào {path}…</translation>
    </message>
    <message>
        <source>Backed up to {path} ({size}). Keep the USB stick somewhere safe: with the recovery key it opens the data.</source>
        <translation>Đã sao lưu vào {path} ({size}). Hãy cất USB ở nơi an toàn: có USB này cùng khóa khôi phục là mở được dữ liệu.</translation>
    </message>
    <message>
        <source>Restore from backup</source>
        <translation>Khôi phục từ bản sao lưu</translation>
    </message>
    <message>
        <source>Checking {file}…</source>
        <translation>Đang kiểm tra {file}…</translation>
    </message>
    <message>
        <source>ANOTHER commune: {name}</source>
        <translation>XÃ KHÁC: {name}</translation>
    </message>
    <message>
        <source>{revision} (older; it is upgraded when opened)</source>
        <translation>{revision} (cũ hơn; sẽ được nâng cấp khi mở)</translation>
    </message>
    <message>
        <source>Made on: {time}</source>
        <translation>Thời điểm sao lưu: {time}</translation>
    </message>
    <message>
        <source>Commune: {commune}</source>
        <translation>Xã: {commune}</translation>
    </message>
    <message>
        <source>Data version: {revision}</source>
        <translation>Phiên bản dữ liệu: {revision}</translation>
    </message>
    <message>
        <source>Size: {size}</source>
        <translation>Dung lượng: {size}</translation>
    </message>
    <message>
        <source>It was made on another PC or profile: its recovery key is needed.</source>
        <translation>Bản sao lưu này được tạo trên máy khác hoặc hồ sơ khác: cần có khóa khôi phục của hồ sơ đó.</translation>
    </message>
    <message>
        <source>{file} is whole and readable.</source>
        <translation>{file} nguyên vẹn và đọc được.</translation>
    </message>
    <message>
        <source>Restore this backup?

{details}

The current data will be kept as a backup first. Everything entered after the backup was made is replaced, and CĐS Xã reopens the data.</source>
        <translation>Khôi phục bản sao lưu này?

{details}

Dữ liệu hiện tại sẽ được sao lưu trước. Mọi thứ nhập sau thời điểm sao lưu sẽ bị thay thế, và CĐS Xã sẽ mở lại dữ liệu.</translation>
    </message>
    <message>
        <source>Nothing was restored.</source>
        <translation>Chưa khôi phục gì.</translation>
    </message>
    <message>
        <source>This backup holds the data of {other}, not of {here}. Restoring it replaces this commune&apos;s data with the other commune&apos;s, and that is what will be sent to the province.

Replace it anyway?</source>
        <translation>Bản sao lưu này là dữ liệu của {other}, không phải của {here}. Khôi phục sẽ thay dữ liệu của xã này bằng dữ liệu của xã kia, và đó là dữ liệu sẽ được gửi lên tỉnh.

Vẫn thay thế?</translation>
    </message>
    <message>
        <source>Recovery key</source>
        <translation>Khóa khôi phục</translation>
    </message>
    <message>
        <source>The recovery key printed when that profile was set up:</source>
        <translation>Khóa khôi phục đã in ra khi thiết lập hồ sơ đó:</translation>
    </message>
    <message>
        <source>Restoring {file}…</source>
        <translation>Đang khôi phục {file}…</translation>
    </message>
    <message>
        <source>nothing to keep</source>
        <translation>không có dữ liệu cần giữ</translation>
    </message>
    <message>
        <source>Restored the backup of {time}. The data it replaced is kept in {kept}. Reopening…</source>
        <translation>Đã khôi phục bản sao lưu lúc {time}. Dữ liệu bị thay thế được giữ tại: {kept}. Đang mở lại…</translation>
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
    <name>ConflictsPanel</name>
    <message>
        <source>Found</source>
        <translation>Phát hiện lúc</translation>
    </message>
    <message>
        <source>Record</source>
        <translation>Hồ sơ</translation>
    </message>
    <message>
        <source>Field</source>
        <translation>Thông tin</translation>
    </message>
    <message>
        <source>Value in use</source>
        <translation>Giá trị đang dùng</translation>
    </message>
    <message>
        <source>Other value</source>
        <translation>Giá trị kia</translation>
    </message>
    <message>
        <source>Kind of conflict</source>
        <translation>Loại xung đột</translation>
    </message>
    <message>
        <source>Keep the value in use</source>
        <translation>Giữ giá trị đang dùng</translation>
    </message>
    <message>
        <source>Take the other value</source>
        <translation>Lấy giá trị kia</translation>
    </message>
    <message>
        <source>Conflicts to review</source>
        <translation>Xung đột cần xem lại</translation>
    </message>
    <message>
        <source>The same value was changed on two PCs before they synced: the newer change is in use everywhere, the other is kept here until you decide.</source>
        <translation>Cùng một thông tin đã được sửa trên hai máy trước khi đồng bộ: thay đổi mới hơn đang được dùng ở mọi máy, giá trị kia được giữ ở đây cho đến khi anh/chị quyết định.</translation>
    </message>
    <message>
        <source>(erased: no values kept)</source>
        <translation>(đã xóa hẳn: không giữ giá trị nào)</translation>
    </message>
    <message>
        <source>No conflicts to review.</source>
        <translation>Không có xung đột nào cần xem lại.</translation>
    </message>
    <message>
        <source>{count} conflicts to review; the newest {shown} are shown.</source>
        <translation>{count} xung đột cần xem lại; đang hiện {shown} xung đột mới nhất.</translation>
    </message>
    <message>
        <source>{count} conflicts to review.</source>
        <translation>{count} xung đột cần xem lại.</translation>
    </message>
</context>
<context>
    <name>Curtain</name>
    <message>
        <source>CĐS Xã is locked.</source>
        <translation>CĐS Xã đang bị khóa.</translation>
    </message>
</context>
<context>
    <name>EncryptDialog</name>
    <message>
        <source>CĐS Xã: encrypting the data</source>
        <translation>CĐS Xã: mã hóa dữ liệu</translation>
    </message>
    <message>
        <source>&amp;Encrypt now</source>
        <translation>&amp;Mã hóa ngay</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Thoát</translation>
    </message>
    <message>
        <source>&amp;Continue</source>
        <translation>&amp;Tiếp tục</translation>
    </message>
    <message>
        <source>Your data will now be encrypted</source>
        <translation>Dữ liệu của bạn sẽ được mã hóa</translation>
    </message>
    <message>
        <source>This data was made by an older version of CĐS Xã and is not encrypted. It will now be encrypted, so that a copy of the data folder on another computer reveals nothing. A backup is kept first and nothing is lost. On a large commune this takes a minute.</source>
        <translation>Dữ liệu này được tạo bởi phiên bản CĐS Xã cũ hơn và chưa được mã hóa. Bây giờ dữ liệu sẽ được mã hóa, để nếu thư mục dữ liệu bị sao chép sang máy khác thì cũng không đọc được gì. Ứng dụng sẽ sao lưu trước nên không mất dữ liệu nào. Với xã có nhiều dữ liệu, việc này mất khoảng một phút.</translation>
    </message>
    <message>
        <source>This computer has no safe key store for the data key. Choose a data passphrase (at least 8 characters); it is asked each time CĐS Xã starts.</source>
        <translation>Máy này không có kho khóa an toàn để cất khóa dữ liệu. Hãy đặt mật khẩu dữ liệu (ít nhất 8 ký tự); mật khẩu này sẽ được hỏi mỗi lần mở CĐS Xã.</translation>
    </message>
    <message>
        <source>Data passphrase</source>
        <translation>Mật khẩu dữ liệu</translation>
    </message>
    <message>
        <source>Data passphrase again</source>
        <translation>Nhập lại mật khẩu dữ liệu</translation>
    </message>
    <message>
        <source>The data is encrypted: its recovery key</source>
        <translation>Dữ liệu đã được mã hóa: khóa khôi phục</translation>
    </message>
    <message>
        <source>Encrypting… Do not turn the computer off.</source>
        <translation>Đang mã hóa… Không được tắt máy.</translation>
    </message>
</context>
<context>
    <name>EnrolForm</name>
    <message>
        <source>optional, e.g. AB:CD:…</source>
        <translation>không bắt buộc, ví dụ AB:CD:…</translation>
    </message>
    <message>
        <source>Enrol</source>
        <translation>Đăng ký</translation>
    </message>
    <message>
        <source>Enrol with a file…</source>
        <translation>Đăng ký bằng tệp…</translation>
    </message>
    <message>
        <source>Province hub address</source>
        <translation>Địa chỉ máy chủ tỉnh</translation>
    </message>
    <message>
        <source>Enrolment code</source>
        <translation>Mã đăng ký</translation>
    </message>
    <message>
        <source>Certificate fingerprint</source>
        <translation>Dấu vân tay chứng chỉ</translation>
    </message>
    <message>
        <source>This PC is not enrolled with the province hub yet, so its changes stay here. Ask the province for an enrolment code for this commune (it works once, for a few days), then type the hub&apos;s address and the code.</source>
        <translation>Máy này chưa đăng ký với máy chủ tỉnh nên các thay đổi vẫn nằm trên máy. Hãy xin tỉnh mã đăng ký cho xã (mã chỉ dùng được một lần, trong vài ngày), rồi gõ địa chỉ máy chủ tỉnh và mã.</translation>
    </message>
    <message>
        <source>Type the province hub&apos;s address first.</source>
        <translation>Hãy gõ địa chỉ máy chủ tỉnh trước.</translation>
    </message>
    <message>
        <source>Type the enrolment code the province gave.</source>
        <translation>Hãy gõ mã đăng ký tỉnh đã cấp.</translation>
    </message>
    <message>
        <source>Enrolling with the province hub…</source>
        <translation>Đang đăng ký với máy chủ tỉnh…</translation>
    </message>
    <message>
        <source>Enrol with the province&apos;s file</source>
        <translation>Đăng ký bằng tệp của tỉnh</translation>
    </message>
    <message>
        <source>CĐS Xã sync file ({pattern})</source>
        <translation>Tệp đồng bộ CĐS Xã ({pattern})</translation>
    </message>
    <message>
        <source>Enrolling with the province&apos;s file…</source>
        <translation>Đang đăng ký bằng tệp của tỉnh…</translation>
    </message>
</context>
<context>
    <name>EraseDialog</name>
    <message>
        <source>Erase at the citizen&apos;s request</source>
        <translation>Xóa hẳn theo yêu cầu của người dân</translation>
    </message>
    <message>
        <source>This erases {name} from the register for good: their details, outcomes and VNeID steps. Support sessions and classes keep their counts but no longer name them. This cannot be undone. Encrypted backups made before today still hold them until those backups expire (a year at most).</source>
        <translation>Thao tác này xóa hẳn {name} khỏi sổ dân cư: thông tin cá nhân, kết quả chuyển đổi số và các bước VNeID. Các lượt hỗ trợ và buổi hướng dẫn vẫn giữ số lượng nhưng không còn ghi tên người này. Không thể hoàn tác. Các bản sao lưu (đã mã hóa) tạo trước hôm nay vẫn còn thông tin này cho đến khi hết hạn (lâu nhất một năm).</translation>
    </message>
    <message>
        <source>e.g. written request received on 03/11</source>
        <translation>ví dụ: nhận đơn đề nghị ngày 03/11</translation>
    </message>
    <message>
        <source>The reason is kept in the audit log: do not write the person&apos;s name, ID number or phone in it.</source>
        <translation>Lý do được lưu trong nhật ký hoạt động: không ghi họ tên, số định danh hay số điện thoại của người dân vào đây.</translation>
    </message>
    <message>
        <source>&amp;Erase for good</source>
        <translation>&amp;Xóa hẳn</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Hủy</translation>
    </message>
    <message>
        <source>&amp;Reason</source>
        <translation>&amp;Lý do</translation>
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
    <name>ExportDialog</name>
    <message>
        <source>Export people to Excel</source>
        <translation>Xuất danh sách người dân ra Excel</translation>
    </message>
    <message>
        <source>&amp;Browse…</source>
        <translation>&amp;Chọn…</translation>
    </message>
    <message>
        <source>Include ID numbers, phones, birth dates and notes</source>
        <translation>Kèm số định danh, số điện thoại, ngày sinh và ghi chú</translation>
    </message>
    <message>
        <source>&amp;Reason (required)</source>
        <translation>&amp;Lý do (bắt buộc)</translation>
    </message>
    <message>
        <source>e.g. report requested by the province, letter no. …</source>
        <translation>ví dụ: báo cáo theo yêu cầu của tỉnh, công văn số …</translation>
    </message>
    <message>
        <source>Your role may not export personal data.</source>
        <translation>Vai trò của bạn không được xuất dữ liệu cá nhân.</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Tệp</translation>
    </message>
    <message>
        <source>E&amp;xport</source>
        <translation>&amp;Xuất</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Hủy</translation>
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
        <source>The file will hold personal data. The export, its reason and your name are recorded in the audit log. Keep the file safe and delete it when done.</source>
        <translation>Tệp sẽ chứa dữ liệu cá nhân. Việc xuất, lý do và tên của bạn được ghi vào nhật ký hoạt động. Hãy giữ tệp cẩn thận và xóa đi khi dùng xong.</translation>
    </message>
    <message>
        <source>Names, villages, households, outcomes and consent only. The export is recorded in the audit log.</source>
        <translation>Chỉ gồm họ tên, thôn/bản, hộ, kết quả chuyển đổi số và ý kiến đồng ý lưu dữ liệu. Việc xuất được ghi vào nhật ký hoạt động.</translation>
    </message>
</context>
<context>
    <name>FilesPanel</name>
    <message>
        <source>Write a sync file…</source>
        <translation>Xuất tệp đồng bộ…</translation>
    </message>
    <message>
        <source>Import the province&apos;s receipt…</source>
        <translation>Nhập biên nhận của tỉnh…</translation>
    </message>
    <message>
        <source>Sync by file (USB stick)</source>
        <translation>Đồng bộ bằng tệp (USB)</translation>
    </message>
    <message>
        <source>Without a network: write the changes waiting here to a file, take it to the province, and import the receipt the province gives back. Only the receipt marks changes as sent.</source>
        <translation>Khi không có mạng: xuất các thay đổi chờ gửi ra một tệp, mang tệp lên tỉnh, rồi nhập biên nhận tỉnh trả lại. Chỉ khi nhập biên nhận, các thay đổi mới được tính là đã gửi.</translation>
    </message>
    <message>
        <source>Write a sync file</source>
        <translation>Xuất tệp đồng bộ</translation>
    </message>
    <message>
        <source>CĐS Xã sync file ({pattern})</source>
        <translation>Tệp đồng bộ CĐS Xã ({pattern})</translation>
    </message>
    <message>
        <source>Import the province&apos;s receipt</source>
        <translation>Nhập biên nhận của tỉnh</translation>
    </message>
    <message>
        <source>Writing {path}…</source>
        <translation>Đang ghi {path}…</translation>
    </message>
    <message>
        <source>No changes are waiting: no file was written.</source>
        <translation>Không có thay đổi nào chờ gửi: không ghi tệp.</translation>
    </message>
    <message>
        <source>{count} changes written to {path}. Take the file to the province, then import the receipt it gives back.</source>
        <translation>Đã ghi {count} thay đổi vào {path}. Hãy mang tệp lên tỉnh, rồi nhập biên nhận tỉnh trả lại.</translation>
    </message>
    <message>
        <source>{count} more changes did not fit: write another file once the receipt is imported.</source>
        <translation>Còn {count} thay đổi chưa vừa tệp này: hãy xuất thêm một tệp sau khi nhập biên nhận.</translation>
    </message>
    <message>
        <source>Importing {path}…</source>
        <translation>Đang nhập {path}…</translation>
    </message>
    <message>
        <source>Receipt imported: {count} changes marked as received by the province; {pending} still waiting.</source>
        <translation>Đã nhập biên nhận: {count} thay đổi được đánh dấu là tỉnh đã nhận; còn {pending} chờ gửi.</translation>
    </message>
    <message>
        <source>The province refused {count} changes:</source>
        <translation>Tỉnh không nhận {count} thay đổi:</translation>
    </message>
</context>
<context>
    <name>FirstAdminDialog</name>
    <message>
        <source>CĐS Xã: the commune administrator</source>
        <translation>CĐS Xã: người quản trị xã</translation>
    </message>
    <message>
        <source>&amp;Create the account</source>
        <translation>Tạo tài &amp;khoản</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Thoát</translation>
    </message>
    <message>
        <source>The commune administrator</source>
        <translation>Người quản trị xã</translation>
    </message>
    <message>
        <source>CĐS Xã now asks everyone to sign in. Nobody can sign in to this commune&apos;s data yet: create the administrator&apos;s account. The administrator manages the other users and the settings.</source>
        <translation>CĐS Xã nay yêu cầu mọi người đăng nhập. Hiện chưa ai đăng nhập được vào dữ liệu của xã: hãy tạo tài khoản quản trị. Người quản trị quản lý những người dùng khác và các cài đặt.</translation>
    </message>
</context>
<context>
    <name>ForgotPasswordDialog</name>
    <message>
        <source>Forgotten password</source>
        <translation>Quên mật khẩu</translation>
    </message>
    <message>
        <source>Set the new password</source>
        <translation>Đặt mật khẩu mới</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Hủy</translation>
    </message>
    <message>
        <source>Recovery key</source>
        <translation>Khóa khôi phục</translation>
    </message>
    <message>
        <source>Administrator&apos;s sign-in name</source>
        <translation>Tên đăng nhập của quản trị</translation>
    </message>
    <message>
        <source>New password</source>
        <translation>Mật khẩu mới</translation>
    </message>
    <message>
        <source>New password again</source>
        <translation>Nhập lại mật khẩu mới</translation>
    </message>
    <message>
        <source>An administrator who forgot the password can set a new one with the recovery key printed when CĐS Xã was set up. Other users: ask the administrator to set a new password for you.</source>
        <translation>Quản trị xã quên mật khẩu có thể đặt mật khẩu mới bằng khóa khôi phục đã in ra khi thiết lập CĐS Xã. Người dùng khác: hãy nhờ quản trị xã đặt lại mật khẩu cho mình.</translation>
    </message>
</context>
<context>
    <name>GettingStarted</name>
    <message>
        <source>How to start</source>
        <translation>Bắt đầu từ đâu</translation>
    </message>
    <message>
        <source>1. Add the commune&apos;s villages and residential groups (Settings).</source>
        <translation>1. Thêm các thôn, bản, tổ dân phố của xã (trong Cài đặt).</translation>
    </message>
    <message>
        <source>Add villages</source>
        <translation>Thêm thôn/bản</translation>
    </message>
    <message>
        <source>2. Import the list of people from Excel, or add people one by one.</source>
        <translation>2. Nhập danh sách người dân từ tệp Excel, hoặc thêm từng người.</translation>
    </message>
    <message>
        <source>Import the list of people</source>
        <translation>Nhập danh sách người dân</translation>
    </message>
    <message>
        <source>3. Record the help given to citizens, one by one or in a class.</source>
        <translation>3. Ghi lại các lượt hỗ trợ người dân, từng người hoặc theo lớp.</translation>
    </message>
    <message>
        <source>Record help</source>
        <translation>Ghi lượt hỗ trợ</translation>
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
        <source>Choose the topic of the class.</source>
        <translation>Hãy chọn chủ đề của lớp học.</translation>
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
        <source>The day the people were asked: the outcomes, fibre and VNeID accounts in the file count from this day.</source>
        <translation>Ngày hỏi người dân: các kết quả, cáp quang và tài khoản VNeID trong tệp được tính từ ngày này.</translation>
    </message>
    <message>
        <source>Import the good rows and save the bad ones to a file to fix</source>
        <translation>Nhập các dòng đúng, lưu các dòng lỗi ra tệp để sửa</translation>
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
        <source>Survey date</source>
        <translation>Ngày khảo sát</translation>
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
    <name>ListPrinter</name>
    <message>
        <source>Print…</source>
        <translation>In…</translation>
    </message>
    <message>
        <source>Print this list (Ctrl+P)</source>
        <translation>In danh sách này (Ctrl+P)</translation>
    </message>
    <message>
        <source>Print list</source>
        <translation>In danh sách</translation>
    </message>
    <message>
        <source>Printed on {date}, {count} rows</source>
        <translation>In ngày {date}, {count} dòng</translation>
    </message>
</context>
<context>
    <name>LockDialog</name>
    <message>
        <source>CĐS Xã is locked</source>
        <translation>CĐS Xã đang bị khóa</translation>
    </message>
    <message>
        <source>&amp;Unlock</source>
        <translation>&amp;Mở khóa</translation>
    </message>
    <message>
        <source>Sign &amp;out</source>
        <translation>Đăng &amp;xuất</translation>
    </message>
    <message>
        <source>Wait {seconds} s</source>
        <translation>Chờ {seconds} giây</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>Mật khẩu</translation>
    </message>
    <message>
        <source>Locked — {name}</source>
        <translation>Đã khóa — {name}</translation>
    </message>
    <message>
        <source>CĐS Xã locked itself after a time without use. Open forms are kept as they were. Type your password to go on; someone else should sign out first.</source>
        <translation>CĐS Xã đã tự khóa vì không có thao tác trong một thời gian. Các biểu mẫu đang mở vẫn được giữ nguyên. Hãy nhập mật khẩu để tiếp tục; nếu là người khác thì hãy đăng xuất trước.</translation>
    </message>
    <message>
        <source>Only {name} can unlock.</source>
        <translation>Chỉ {name} mới mở khóa được.</translation>
    </message>
    <message>
        <source>Sign out</source>
        <translation>Đăng xuất</translation>
    </message>
    <message>
        <source>Signing out closes the open forms; what was typed and not saved is lost. Sign out?</source>
        <translation>Đăng xuất sẽ đóng các biểu mẫu đang mở; nội dung đã nhập mà chưa lưu sẽ bị mất. Bạn có chắc muốn đăng xuất?</translation>
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
        <source>year (e.g. 1975) or dd/mm/yyyy</source>
        <translation>năm (ví dụ 1975) hoặc dd/mm/yyyy</translation>
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
    <name>PassphraseDialog</name>
    <message>
        <source>CĐS Xã: open the data</source>
        <translation>CĐS Xã: mở dữ liệu</translation>
    </message>
    <message>
        <source>&amp;Open</source>
        <translation>&amp;Mở</translation>
    </message>
    <message>
        <source>Use the &amp;recovery key…</source>
        <translation>Dùng &amp;khóa khôi phục…</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Thoát</translation>
    </message>
    <message>
        <source>&amp;Browse…</source>
        <translation>&amp;Chọn…</translation>
    </message>
    <message>
        <source>Use the data &amp;passphrase instead…</source>
        <translation>Dùng &amp;mật khẩu dữ liệu…</translation>
    </message>
    <message>
        <source>The data of CĐS Xã is encrypted. This computer has no safe key store, so the data passphrase chosen at setup is needed to open it.</source>
        <translation>Dữ liệu của CĐS Xã đã được mã hóa. Máy này không có kho khóa an toàn nên cần mật khẩu dữ liệu đã đặt khi thiết lập để mở dữ liệu.</translation>
    </message>
    <message>
        <source>Data passphrase</source>
        <translation>Mật khẩu dữ liệu</translation>
    </message>
    <message>
        <source>Type the recovery key that was printed or written down when CĐS Xã was set up.</source>
        <translation>Nhập khóa khôi phục đã được in ra hoặc chép lại khi thiết lập CĐS Xã.</translation>
    </message>
    <message>
        <source>Recovery key</source>
        <translation>Khóa khôi phục</translation>
    </message>
    <message>
        <source>This computer has no safe key store: choose a new data passphrase too.</source>
        <translation>Máy này không có kho khóa an toàn: hãy đặt luôn mật khẩu dữ liệu mới.</translation>
    </message>
    <message>
        <source>New data passphrase</source>
        <translation>Mật khẩu dữ liệu mới</translation>
    </message>
    <message>
        <source>New data passphrase again</source>
        <translation>Nhập lại mật khẩu dữ liệu mới</translation>
    </message>
    <message>
        <source>Open the data</source>
        <translation>Mở dữ liệu</translation>
    </message>
    <message>
        <source>Every backup keeps a copy of the key file. Choose a backup of this data; with the recovery key or the data passphrase, the key file is made again from it (it is checked to open the data first).</source>
        <translation>Mỗi bản sao lưu đều giữ một bản của tệp khóa. Hãy chọn một bản sao lưu của chính dữ liệu này; với khóa khôi phục hoặc mật khẩu dữ liệu, tệp khóa được làm lại từ bản sao lưu đó (có kiểm tra mở được dữ liệu trước).</translation>
    </message>
    <message>
        <source>Backup</source>
        <translation>Bản sao lưu</translation>
    </message>
    <message>
        <source>CĐS Xã backup (*{suffix})</source>
        <translation>Bản sao lưu CĐS Xã (*{suffix})</translation>
    </message>
    <message>
        <source>Type the data passphrase.</source>
        <translation>Hãy nhập mật khẩu dữ liệu.</translation>
    </message>
    <message>
        <source>Wrong passphrase. Check Caps Lock and the keyboard&apos;s input method (Unikey), then try again.</source>
        <translation>Sai mật khẩu dữ liệu. Hãy kiểm tra phím Caps Lock và bộ gõ tiếng Việt (Unikey), rồi thử lại.</translation>
    </message>
    <message>
        <source>This recovery key is not right. Check each group of five characters.</source>
        <translation>Khóa khôi phục không đúng. Hãy kiểm tra lại từng nhóm 5 ký tự.</translation>
    </message>
    <message>
        <source>Choose a backup of this data (Browse…).</source>
        <translation>Hãy chọn một bản sao lưu của dữ liệu này (Chọn…).</translation>
    </message>
    <message>
        <source>Type the recovery key.</source>
        <translation>Hãy nhập khóa khôi phục.</translation>
    </message>
</context>
<context>
    <name>PassphrasePage</name>
    <message>
        <source>Data passphrase</source>
        <translation>Mật khẩu dữ liệu</translation>
    </message>
    <message>
        <source>This computer has no safe key store for the key that encrypts the data. Choose a data passphrase instead: CĐS Xã asks for it each time it starts.</source>
        <translation>Máy này không có kho khóa an toàn để cất khóa mã hóa dữ liệu. Thay vào đó, hãy đặt mật khẩu dữ liệu: CĐS Xã sẽ hỏi mật khẩu này mỗi lần khởi động.</translation>
    </message>
    <message>
        <source>Data passphrase again</source>
        <translation>Nhập lại mật khẩu dữ liệu</translation>
    </message>
</context>
<context>
    <name>PasswordDialog</name>
    <message>
        <source>Set password</source>
        <translation>Đặt mật khẩu</translation>
    </message>
    <message>
        <source>New password for {name} ({login}).</source>
        <translation>Mật khẩu mới cho {name} ({login}).</translation>
    </message>
    <message>
        <source>Current password</source>
        <translation>Mật khẩu hiện tại</translation>
    </message>
    <message>
        <source>New password</source>
        <translation>Mật khẩu mới</translation>
    </message>
    <message>
        <source>New password again</source>
        <translation>Nhập lại mật khẩu mới</translation>
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
        <source>Excel workbook (*.xlsx)</source>
        <translation>Bảng tính Excel (*.xlsx)</translation>
    </message>
    <message>
        <source>&amp;Import from Excel…</source>
        <translation>&amp;Nhập từ Excel…</translation>
    </message>
    <message>
        <source>Erased at the citizen&apos;s request. The audit log keeps who did it and why.</source>
        <translation>Đã xóa hẳn theo yêu cầu của người dân. Nhật ký hoạt động ghi lại người thực hiện và lý do.</translation>
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
        <source>Ask the citizen whether they agree to their data being kept (Decree 13/2023), and note their answer.</source>
        <translation>Hỏi người dân có đồng ý cho lưu dữ liệu cá nhân của mình không (Nghị định 13/2023/NĐ-CP) và ghi lại ý kiến.</translation>
    </message>
    <message>
        <source>Fibre broadband (the household&apos;s)</source>
        <translation>Internet cáp quang (của hộ)</translation>
    </message>
    <message>
        <source>Erase at the citizen&apos;s request…</source>
        <translation>Xóa hẳn theo yêu cầu của người dân…</translation>
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
        <source>Not asked yet</source>
        <translation>Chưa hỏi</translation>
    </message>
    <message>
        <source>Agrees</source>
        <translation>Đồng ý</translation>
    </message>
    <message>
        <source>Refuses</source>
        <translation>Từ chối</translation>
    </message>
    <message>
        <source>The day they agreed or refused</source>
        <translation>Ngày người dân đồng ý hoặc từ chối</translation>
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
        <source>&amp;Consent to keep data</source>
        <translation>Đồng ý lư&amp;u dữ liệu</translation>
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
        <source>This ID number is already in the register, in a village you do not work in. Ask the commune officer.</source>
        <translation>Số định danh này đã có trong sổ, ở một thôn/bản bạn không phụ trách. Hãy hỏi cán bộ xã.</translation>
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
    <name>RecoveryKeyView</name>
    <message>
        <source>Write this recovery key on paper, or print it, and keep it somewhere safe away from this computer (for example in the commune office&apos;s safe). It is shown only this once.

With it, the data can be opened on another computer or when the data passphrase is forgotten, and a forgotten administrator password can be reset. Anyone who has it can do the same: do not keep it with the computer.</source>
        <translation>Hãy chép khóa khôi phục này ra giấy hoặc in ra, rồi cất ở nơi an toàn, tách khỏi máy tính này (ví dụ trong két sắt của UBND xã). Khóa chỉ hiển thị một lần này.

Có khóa này thì mở được dữ liệu trên máy khác hoặc khi quên mật khẩu dữ liệu, và đặt lại được mật khẩu quản trị đã quên. Bất kỳ ai có khóa đều làm được như vậy: đừng cất khóa cùng với máy tính.</translation>
    </message>
    <message>
        <source>&amp;Copy</source>
        <translation>&amp;Sao chép</translation>
    </message>
    <message>
        <source>Save as &amp;PDF…</source>
        <translation>Lưu thành &amp;PDF…</translation>
    </message>
    <message>
        <source>I have written down the recovery key</source>
        <translation>Tôi đã chép lại khóa khôi phục</translation>
    </message>
    <message>
        <source>Copied. Paste it only where it stays private, and write it down as well.</source>
        <translation>Đã sao chép. Chỉ dán vào nơi không ai khác xem được, và vẫn phải chép ra giấy.</translation>
    </message>
    <message>
        <source>Save the recovery key as PDF</source>
        <translation>Lưu khóa khôi phục thành tệp PDF</translation>
    </message>
    <message>
        <source>PDF document (*.pdf)</source>
        <translation>Tài liệu PDF (*.pdf)</translation>
    </message>
    <message>
        <source>Could not save {path}: {reason}</source>
        <translation>Không lưu được {path}: {reason}</translation>
    </message>
    <message>
        <source>Saved to {path}. Print it, then delete the file from this computer.</source>
        <translation>Đã lưu vào {path}. Hãy in ra, rồi xóa tệp khỏi máy này.</translation>
    </message>
    <message>
        <source>CĐS Xã recovery key</source>
        <translation>Khóa khôi phục CĐS Xã</translation>
    </message>
    <message>
        <source>the PDF was not written</source>
        <translation>không ghi được tệp PDF</translation>
    </message>
    <message>
        <source>Written on {day}.</source>
        <translation>Ghi ngày {day}.</translation>
    </message>
</context>
<context>
    <name>RecoveryPage</name>
    <message>
        <source>Recovery key</source>
        <translation>Khóa khôi phục</translation>
    </message>
    <message>
        <source>The commune&apos;s data is set up and encrypted.</source>
        <translation>Dữ liệu của xã đã được thiết lập và mã hóa.</translation>
    </message>
</context>
<context>
    <name>Roles</name>
    <message>
        <source>Commune administrator</source>
        <translation>Quản trị xã</translation>
    </message>
    <message>
        <source>Officer</source>
        <translation>Cán bộ</translation>
    </message>
    <message>
        <source>Community tech team member</source>
        <translation>Thành viên tổ CNS</translation>
    </message>
    <message>
        <source>Viewer (figures only)</source>
        <translation>Chỉ xem số liệu</translation>
    </message>
</context>
<context>
    <name>SecretPair</name>
    <message>
        <source>The two entries are not the same. Type them again.</source>
        <translation>Hai lần nhập không giống nhau. Hãy nhập lại.</translation>
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
        <source>Save the session (Enter or Ctrl+S)</source>
        <translation>Lưu lượt hỗ trợ (Enter hoặc Ctrl+S)</translation>
    </message>
    <message>
        <source>Add a citizen who is not in the register (Ctrl+N)</source>
        <translation>Thêm người dân chưa có trong sổ (Ctrl+N)</translation>
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
        <source> minutes</source>
        <translation> phút</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>Lưu</translation>
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
        <source>Screen lock</source>
        <translation>Khóa màn hình</translation>
    </message>
    <message>
        <source>Lock the window after</source>
        <translation>Tự khóa màn hình sau</translation>
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
        <source>&amp;Create</source>
        <translation>&amp;Tạo</translation>
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
    <name>ShortcutsHelp</name>
    <message>
        <source>Keyboard shortcuts</source>
        <translation>Phím tắt</translation>
    </message>
    <message>
        <source>Anywhere in the window</source>
        <translation>Ở mọi nơi trong cửa sổ</translation>
    </message>
    <message>
        <source>In the pages and forms</source>
        <translation>Trong các trang và biểu mẫu</translation>
    </message>
    <message>
        <source>Next / previous field (a date is one field: type its digits, or Left/Right between its parts)</source>
        <translation>Ô tiếp theo / ô trước (ô ngày là một ô: gõ các chữ số, hoặc dùng mũi tên Trái/Phải giữa ngày, tháng, năm)</translation>
    </message>
    <message>
        <source>In a search box: take the first match. In a form&apos;s text field: save</source>
        <translation>Trong ô tìm kiếm: chọn kết quả đầu tiên. Trong ô chữ của biểu mẫu: lưu</translation>
    </message>
    <message>
        <source>Save the support session</source>
        <translation>Lưu lượt hỗ trợ</translation>
    </message>
    <message>
        <source>New citizen (Citizen support), new person (People)</source>
        <translation>Người dân mới (Hỗ trợ người dân), thêm người (Người dân)</translation>
    </message>
    <message>
        <source>Citizen support: clear the form for the next citizen. A form window: close it without saving</source>
        <translation>Hỗ trợ người dân: xóa biểu mẫu để nhập người tiếp theo. Cửa sổ biểu mẫu: đóng mà không lưu</translation>
    </message>
    <message>
        <source>People: go to the search box</source>
        <translation>Người dân: đến ô tìm kiếm</translation>
    </message>
    <message>
        <source>Letters, Up/Down, Enter</source>
        <translation>Chữ cái, Lên/Xuống, Enter</translation>
    </message>
    <message>
        <source>Topics: type to filter (no accents needed), Up/Down to move, Enter to add</source>
        <translation>Nội dung hỗ trợ: gõ để lọc (không cần dấu), Lên/Xuống để chọn, Enter để thêm</translation>
    </message>
    <message>
        <source>Topics, in the empty box: remove the last topic</source>
        <translation>Nội dung hỗ trợ, khi ô trống: bỏ nội dung cuối cùng</translation>
    </message>
    <message>
        <source>VNeID: undo the step just recorded</source>
        <translation>VNeID: hoàn tác bước vừa ghi</translation>
    </message>
</context>
<context>
    <name>SignInDialog</name>
    <message>
        <source>CĐS Xã: sign in</source>
        <translation>CĐS Xã: đăng nhập</translation>
    </message>
    <message>
        <source>&amp;Sign in</source>
        <translation>Đăng &amp;nhập</translation>
    </message>
    <message>
        <source>&amp;Forgot password?</source>
        <translation>&amp;Quên mật khẩu?</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Thoát</translation>
    </message>
    <message>
        <source>Wait {seconds} s</source>
        <translation>Chờ {seconds} giây</translation>
    </message>
    <message>
        <source>Sign-in name</source>
        <translation>Tên đăng nhập</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>Mật khẩu</translation>
    </message>
    <message>
        <source>Sign in</source>
        <translation>Đăng nhập</translation>
    </message>
    <message>
        <source>The new password is set. Sign in with it.</source>
        <translation>Đã đặt mật khẩu mới. Hãy đăng nhập bằng mật khẩu này.</translation>
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
        <source>A group class cannot be deleted from this list yet.</source>
        <translation>Chưa xóa được lớp học nhóm từ danh sách này.</translation>
    </message>
    <message>
        <source>Delete the session of {date} with {name}? Outcomes it reached are undone.</source>
        <translation>Xoá lượt hỗ trợ ngày {date} cho {name}? Các kết quả lượt này đã ghi nhận sẽ được hoàn lại.</translation>
    </message>
    <message>
        <source>Delete session</source>
        <translation>Xoá lượt hỗ trợ</translation>
    </message>
    <message>
        <source>Whole commune</source>
        <translation>Toàn xã</translation>
    </message>
    <message>
        <source>Group class, {count} people</source>
        <translation>Lớp học nhóm, {count} người</translation>
    </message>
</context>
<context>
    <name>SyncPage</name>
    <message>
        <source>Sync now</source>
        <translation>Đồng bộ ngay</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>Thời gian</translation>
    </message>
    <message>
        <source>Result</source>
        <translation>Kết quả</translation>
    </message>
    <message>
        <source>Sent</source>
        <translation>Đã gửi</translation>
    </message>
    <message>
        <source>Received</source>
        <translation>Đã nhận</translation>
    </message>
    <message>
        <source>Conflicts</source>
        <translation>Xung đột</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>Ghi chú</translation>
    </message>
    <message>
        <source>Province hub</source>
        <translation>Máy chủ tỉnh</translation>
    </message>
    <message>
        <source>Commune</source>
        <translation>Xã</translation>
    </message>
    <message>
        <source>Last successful sync</source>
        <translation>Lần đồng bộ thành công gần nhất</translation>
    </message>
    <message>
        <source>Changes waiting to be sent</source>
        <translation>Thay đổi chờ gửi</translation>
    </message>
    <message>
        <source>Next automatic sync</source>
        <translation>Lần tự đồng bộ tiếp theo</translation>
    </message>
    <message>
        <source>Sync attempts</source>
        <translation>Các lần đồng bộ</translation>
    </message>
    <message>
        <source>Sync</source>
        <translation>Đồng bộ</translation>
    </message>
    <message>
        <source>This commune&apos;s records go to the province hub and the other PCs&apos; changes come back. Everything keeps working without a network: what is not sent yet stays safe on this PC and goes with the next sync.</source>
        <translation>Hồ sơ của xã được gửi lên máy chủ tỉnh và thay đổi của các máy khác được nhận về. Không có mạng mọi việc vẫn làm bình thường: những gì chưa gửi vẫn an toàn trên máy này và sẽ đi cùng lần đồng bộ sau.</translation>
    </message>
    <message>
        <source>none: enrolled with a file, syncs by file</source>
        <translation>không có (máy đăng ký bằng tệp)</translation>
    </message>
    <message>
        <source>never</source>
        <translation>chưa lần nào</translation>
    </message>
    <message>
        <source>syncing now</source>
        <translation>đang đồng bộ</translation>
    </message>
    <message>
        <source>none planned</source>
        <translation>chưa có</translation>
    </message>
    <message>
        <source>CĐS Xã will try again by itself at {time}.</source>
        <translation>CĐS Xã sẽ tự thử lại lúc {time}.</translation>
    </message>
    <message>
        <source>Press “Sync now” to try again.</source>
        <translation>Bấm “Đồng bộ ngay” để thử lại.</translation>
    </message>
    <message>
        <source>This PC is now enrolled with the province hub for {commune}.</source>
        <translation>Máy này đã đăng ký với máy chủ tỉnh cho {commune}.</translation>
    </message>
    <message>
        <source>Syncing is not possible now (is the window locked, or closing?).</source>
        <translation>Lúc này không đồng bộ được (màn hình đang khóa hoặc chương trình đang đóng?).</translation>
    </message>
    <message>
        <source>Connecting to the province hub…</source>
        <translation>Đang kết nối máy chủ tỉnh…</translation>
    </message>
    <message>
        <source>Synced: {sent} changes sent, {received} received, {conflicts} conflicts; {pending} still waiting.</source>
        <translation>Đã đồng bộ: gửi {sent} thay đổi, nhận {received}, {conflicts} xung đột; còn {pending} chờ gửi.</translation>
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
        <source>Export team members to Excel</source>
        <translation>Xuất danh sách thành viên Tổ ra Excel</translation>
    </message>
    <message>
        <source>Include full phone numbers</source>
        <translation>Kèm số điện thoại đầy đủ</translation>
    </message>
    <message>
        <source>Phone numbers masked (090•••••67). The export is recorded in the audit log.</source>
        <translation>Số điện thoại được che (090•••••67). Việc xuất được ghi vào nhật ký hoạt động.</translation>
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
    <name>TopicChooser</name>
    <message>
        <source>Type a few letters (no accents needed), Enter adds the highlighted topic</source>
        <translation>Gõ vài chữ (không cần dấu), Enter để thêm nội dung đang chọn</translation>
    </message>
    <message>
        <source>Remove this topic (or Backspace in the empty box)</source>
        <translation>Bỏ nội dung này (hoặc Backspace khi ô trống)</translation>
    </message>
</context>
<context>
    <name>UndoNotice</name>
    <message>
        <source>&amp;Undo</source>
        <translation>&amp;Hoàn tác</translation>
    </message>
    <message>
        <source>Take back what was just saved (Ctrl+Z)</source>
        <translation>Bỏ việc vừa lưu (Ctrl+Z)</translation>
    </message>
</context>
<context>
    <name>UserDialog</name>
    <message>
        <source>Add user</source>
        <translation>Thêm người dùng</translation>
    </message>
    <message>
        <source>Edit user</source>
        <translation>Sửa người dùng</translation>
    </message>
    <message>
        <source>optional, e.g. Culture officer</source>
        <translation>không bắt buộc, ví dụ: Công chức Văn hóa - Xã hội</translation>
    </message>
    <message>
        <source>Team members see and edit only their village.</source>
        <translation>Thành viên tổ chỉ xem và sửa được hồ sơ của thôn/bản mình.</translation>
    </message>
    <message>
        <source>Active (may sign in)</source>
        <translation>Đang hoạt động (được phép đăng nhập)</translation>
    </message>
    <message>
        <source>Full name</source>
        <translation>Họ và tên</translation>
    </message>
    <message>
        <source>Position</source>
        <translation>Chức vụ</translation>
    </message>
    <message>
        <source>Sign-in name</source>
        <translation>Tên đăng nhập</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>Vai trò</translation>
    </message>
    <message>
        <source>Village</source>
        <translation>Thôn/bản</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>Mật khẩu</translation>
    </message>
    <message>
        <source>Password again</source>
        <translation>Nhập lại mật khẩu</translation>
    </message>
    <message>
        <source>At least {count} characters. Tell it to the user; they can change it later.</source>
        <translation>Ít nhất {count} ký tự. Hãy báo mật khẩu cho người dùng; họ có thể tự đổi sau.</translation>
    </message>
</context>
<context>
    <name>UsersPage</name>
    <message>
        <source>Full name</source>
        <translation>Họ và tên</translation>
    </message>
    <message>
        <source>Sign-in name</source>
        <translation>Tên đăng nhập</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>Vai trò</translation>
    </message>
    <message>
        <source>Village</source>
        <translation>Thôn/bản</translation>
    </message>
    <message>
        <source>Active</source>
        <translation>Đang hoạt động</translation>
    </message>
    <message>
        <source>Last sign-in</source>
        <translation>Lần đăng nhập gần nhất</translation>
    </message>
    <message>
        <source>Add user…</source>
        <translation>Thêm người dùng…</translation>
    </message>
    <message>
        <source>Edit…</source>
        <translation>Sửa…</translation>
    </message>
    <message>
        <source>Set password…</source>
        <translation>Đặt mật khẩu…</translation>
    </message>
    <message>
        <source>Users</source>
        <translation>Người dùng</translation>
    </message>
    <message>
        <source>Everyone who uses this PC signs in with their own name. Administrators manage users and settings; officers work with all records; team members only with their own village; viewers see figures and reports only.</source>
        <translation>Mỗi người dùng máy này đăng nhập bằng tài khoản riêng của mình. Quản trị xã quản lý người dùng và cài đặt; cán bộ làm việc với mọi hồ sơ; thành viên tổ chỉ làm việc với hồ sơ của thôn/bản mình; tài khoản “Chỉ xem số liệu” chỉ xem được số liệu và báo cáo.</translation>
    </message>
    <message>
        <source>Yes</source>
        <translation>Có</translation>
    </message>
    <message>
        <source>No</source>
        <translation>Không</translation>
    </message>
    <message>
        <source>{count} users, {active} active.</source>
        <translation>{count} người dùng, {active} đang hoạt động.</translation>
    </message>
    <message>
        <source>New password saved for {name}.</source>
        <translation>Đã lưu mật khẩu mới cho {name}.</translation>
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
    <message>
        <source>Saved: {step} for {name} on {date}.</source>
        <translation>Đã lưu: {step} cho {name} ngày {date}.</translation>
    </message>
    <message>
        <source>Undone: the step for {name} was taken back.</source>
        <translation>Đã hoàn tác: bước vừa ghi cho {name} đã được bỏ.</translation>
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
<context>
    <name>_SavingDialog</name>
    <message>
        <source>Save</source>
        <translation>Lưu</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Hủy</translation>
    </message>
    <message>
        <source>The two passwords are not the same.</source>
        <translation>Hai mật khẩu không giống nhau.</translation>
    </message>
</context>
</TS>
