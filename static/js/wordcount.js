// Live word count under an abstract's text: the server counts the same way (runs of non-space characters).
document.querySelectorAll("textarea[data-max-words]").forEach((area) => {
  const out = area.parentElement.querySelector("[data-word-count]");
  if (!out) return;
  const max = Number(area.dataset.maxWords);
  const update = () => {
    const words = (area.value.match(/\S+/g) || []).length;
    out.textContent = String(words);
    out.classList.toggle("over", words > max);
  };
  area.addEventListener("input", update);
  update();
});
