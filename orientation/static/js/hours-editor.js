// Service form, opening hours: « Reporter les horaires du lundi du mardi au vendredi » (a shortcut;
// the form works without it, so the button only appears once this script runs).
document.querySelectorAll("[data-copy-monday]").forEach((button) => {
  const form = button.closest("form");
  button.hidden = false;
  button.addEventListener("click", () => {
    ["tu", "we", "th", "fr"].forEach((day) => {
      form.querySelectorAll("[name^='hours_mo_']").forEach((monday) => {
        const target = form.elements[monday.name.replace("hours_mo_", `hours_${day}_`)];
        if (target) target.value = monday.value;
      });
    });
    button.nextElementSibling.textContent = "Horaires du lundi reportés du mardi au vendredi.";
  });
});
