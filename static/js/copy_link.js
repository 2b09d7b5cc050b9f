// A button with data-copy="<input id>" copies that input's value (the invitation link).
document.querySelectorAll("[data-copy]").forEach((button) => {
  button.addEventListener("click", async () => {
    const input = document.getElementById(button.dataset.copy);
    if (!input) return;
    input.select();
    try {
      await navigator.clipboard.writeText(input.value);
      button.textContent = button.dataset.copied;
    } catch (error) {
      // No clipboard (an http page, a refusal): the text stays selected, ready to copy.
    }
  });
});
