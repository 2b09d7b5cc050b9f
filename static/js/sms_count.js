// The count of SMS as the shop types, as the server counts what it sends
// (conversation.clean_text, segments.py): spaces collapsed, œ and … spelt out in
// GSM-7 ("oe", "..."), and €, [, ], {, }, ~, ^, |, \ two characters each.
(function () {
  var box = document.querySelector('[data-testid="message-text"]');
  var out = document.querySelector('[data-testid="message-segments"]');
  if (!box || !out) return;
  function show() {
    var text = box.value.trim().replace(/\s+/g, " ");
    var sent = text.replace(/œ/g, "oe").replace(/Œ/g, "OE").replace(/…/g, "...");
    var total = sent.length + (sent.match(/[\^{}\\\[~\]|€]/g) || []).length
      + Number(out.dataset.frame);
    var sms = total <= 160 ? 1 : Math.ceil(total / 153);
    out.textContent = text.length + " / " + box.maxLength + " · " + sms + " SMS";
    out.hidden = false;
  }
  box.addEventListener("input", show);
  show();
})();
