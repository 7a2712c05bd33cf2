package web

// cookieLang keeps the language a visitor chose with ?lang=.
const cookieLang = "bo_lang"
