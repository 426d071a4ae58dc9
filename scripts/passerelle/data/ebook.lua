-- Passerelle's e-book chapters (exports/ebooks.py), run as `pandoc lua ebook.lua FORMAT LIST`: each
-- chapter file named in LIST (one per line) is read on its own and written beside it as pandoc JSON
-- (FILE.json), so a book is put together from chapters already read and an edit reads only its own
-- chapter again. The names come in a file: `pandoc lua` 3.9 crashes when given about 80 arguments.
-- An EPUB holds only its own files. Links inside the book (#...) and to the web (http, https, mailto)
-- stay; a link to a file of the site (another page, a download) becomes its text, since the book cannot
-- follow it. Images become their description (or a link when they are on the web): pandoc never reads
-- a file or the network for them. Raw HTML and raw attributes are dropped.
local function outside(target)
  return target:match("^https?://") or target:match("^mailto:")
end

local inside_the_book = {
  Link = function(el)
    if el.target:sub(1, 1) == "#" or outside(el.target) then
      return el
    end
    return el.content
  end,
  Image = function(el)
    if el.src:match("^https?://") then
      return pandoc.Link(el.caption, el.src)
    end
    return el.caption
  end,
  RawInline = function() return {} end,
  RawBlock = function() return {} end,
}

local format = arg[1]
for name in io.lines(arg[2]) do
  local source = assert(io.open(name, "rb"))
  local doc = pandoc.read(source:read("a"), format):walk(inside_the_book)
  source:close()
  local out = assert(io.open(name .. ".json", "wb"))
  out:write(pandoc.write(pandoc.Pandoc(doc.blocks), "json"))
  out:close()
end
