"""Small built-in lists of common Norwegian names and street names.

The names are common given names and surnames in Norway (SSB's name
statistics list them among the most frequent); the weights are rough orders
of popularity, not SSB figures. First names depend on the decade of birth so
that a grandmother is more likely to be an Inger and a granddaughter a Nora.
"""

from __future__ import annotations

# (name, weight) pairs. Weight = relative popularity within the list.
_FEMALE_OLD = (
    "Anne 30,Inger 28,Kari 26,Marit 24,Ingrid 22,Liv 20,Eva 18,Berit 18,Astrid 16,"
    "Bjørg 15,Randi 15,Solveig 14,Ragnhild 13,Gerd 13,Elisabeth 12,Grete 12,Karin 12,"
    "Turid 11,Sissel 11,Wenche 10,Unni 10,Gunn 9,Aud 9,Else 9,Torill 8,Reidun 8,"
    "Jorunn 8,Margit 8,Kirsten 7,Bodil 7,Åse 7,Oddny 6,Signe 6,Jenny 6,Ruth 6"
)
_FEMALE_MID = (
    "Hilde 22,Camilla 20,Marianne 20,Silje 20,Kristin 20,Linda 18,Ida 18,Maria 18,"
    "Anette 17,Heidi 17,Elisabeth 16,Stine 16,Tone 15,Lene 15,Hanne 15,Monica 14,"
    "Kristine 14,Marte 14,Julie 13,Siri 13,Trine 13,Kathrine 12,Mari 12,Cecilie 12,"
    "Ingvild 11,Guro 11,Line 11,Susanne 10,Ingrid 10,Karoline 10,Marit 9,Ragnhild 8"
)
_FEMALE_YOUNG = (
    "Nora 22,Emma 22,Sara 20,Ingrid 19,Sofie 18,Olivia 18,Maja 17,Emilie 17,Thea 16,"
    "Leah 15,Ella 15,Ida 15,Hanna 14,Frida 14,Julie 13,Vilde 13,Amalie 12,Tiril 12,"
    "Aurora 12,Selma 11,Astrid 11,Frøya 10,Eline 10,Mathilde 10,Live 9,Sigrid 9,"
    "Alma 9,Agnes 8,Tuva 8,Mia 8,Iben 7,Oda 7,Ronja 6,Linnea 6"
)
_MALE_OLD = (
    "Jan 30,Per 28,Bjørn 26,Ole 25,Lars 24,Kjell 22,Knut 21,Arne 20,Svein 20,Hans 19,"
    "Odd 18,Terje 17,Geir 16,Tor 16,Rolf 15,Nils 15,Einar 14,Harald 14,Johan 13,"
    "Leif 13,Egil 12,Helge 12,Arild 11,Jon 11,Trond 11,Gunnar 10,Kåre 10,Olav 10,"
    "Magne 9,Sverre 9,Steinar 8,Reidar 8,Asbjørn 7,Ivar 7"
)
_MALE_MID = (
    "Thomas 22,Morten 20,Martin 20,Andreas 20,Lars 18,Anders 18,Kristian 17,Espen 16,"
    "Jon 16,Erik 16,Stian 15,Marius 15,Daniel 15,Christian 14,Tommy 13,Kjetil 13,"
    "Rune 13,Eirik 12,Håkon 12,Vegard 12,Sindre 11,Øyvind 11,Fredrik 11,Magnus 10,"
    "Ole 10,Henrik 10,Jørgen 9,Petter 9,Kristoffer 9,Trond 8,Geir 8,Even 7"
)
_MALE_YOUNG = (
    "Jakob 22,Emil 21,Noah 20,Oliver 20,Filip 18,William 18,Lucas 17,Liam 17,"
    "Henrik 16,Oskar 16,Aksel 15,Theodor 15,Elias 15,Isak 14,Johannes 14,Magnus 13,"
    "Sander 13,Tobias 12,Mathias 12,Jonas 12,Adrian 11,Sebastian 11,Kasper 10,"
    "Ludvig 10,Olav 9,Even 9,Mats 8,Sigurd 8,Sondre 8,Iver 7,Håkon 7,Odin 6"
)
_SURNAMES = (
    "Hansen 50,Johansen 45,Olsen 44,Larsen 38,Andersen 37,Pedersen 36,Nilsen 34,"
    "Kristiansen 26,Jensen 25,Karlsen 24,Johnsen 23,Pettersen 23,Eriksen 21,Berg 20,"
    "Haugen 18,Hagen 18,Johannessen 16,Andreassen 15,Jacobsen 15,Dahl 14,Jørgensen 14,"
    "Henriksen 13,Lund 13,Halvorsen 13,Sørensen 12,Jakobsen 12,Moen 12,Gundersen 11,"
    "Iversen 11,Strand 11,Solberg 11,Svendsen 10,Eide 10,Knutsen 10,Martinsen 10,"
    "Paulsen 9,Bakken 9,Kristoffersen 9,Mathisen 9,Lie 9,Amundsen 8,Nguyen 8,"
    "Rasmussen 8,Ali 8,Lunde 8,Solheim 8,Berge 8,Moe 8,Nygård 7,Bakke 7,Kristensen 7,"
    "Fredriksen 7,Holm 7,Lien 7,Hauge 7,Christensen 6,Andresen 6,Nielsen 6,Knudsen 6,"
    "Evensen 6,Sæther 6,Aas 6,Myhre 6,Hanssen 6,Ahmed 6,Haugland 5,Thomassen 5,"
    "Sivertsen 5,Simonsen 5,Danielsen 5,Berntsen 5,Sandvik 5,Rønning 5,Arnesen 5,"
    "Antonsen 5,Næss 5,Vik 5,Haug 5,Ellingsen 5,Thorsen 5,Edvardsen 4,Birkeland 4,"
    "Isaksen 4,Aune 4,Ruud 4,Aasen 4,Strøm 4,Myklebust 4,Tangen 4,Ødegård 4,Eliassen 4,"
    "Helland 4,Bøe 4,Jenssen 4,Mikkelsen 4,Tveit 4,Brekke 4,Abrahamsen 4,Madsen 4,"
    "Kvam 3,Lorentzen 3,Haugan 3,Hegge 3,Støren 3,Grøtte 3,Sandberg 3,Nordli 3,"
    "Kvernmo 3,Hoff 3,Wold 3,Engen 3,Fossum 3,Gjerde 3,Flaten 3,Kaur 3,Singh 3,Khan 3"
)

STREETS = (
    "Storgata",
    "Kirkegata",
    "Sentrumsveien",
    "Torget",
    "Strandveien",
    "Parkveien",
    "Skolegata",
    "Jernbanegata",
    "Fjordgata",
    "Kongens gate",
    "Elvegata",
    "Sjøgata",
    "Nordre gate",
    "Industriveien",
    "Rådhusgata",
    "Prinsens gate",
    "Brugata",
    "Stasjonsveien",
    "Gamle Kongevei",
    "Helsetunet",
    "Legesenterveien",
    "Bakkegata",
    "Løkkeveien",
    "Sandgata",
)


def _expand(spec: str) -> tuple[str, ...]:
    """'Anne 30,Inger 28' → a tuple where each name appears weight times.

    A uniform pick from the result is then a pick weighted by popularity.
    """
    out: list[str] = []
    for item in spec.split(","):
        name, weight = item.rsplit(" ", 1)
        out.extend([name.strip()] * int(weight))
    return tuple(out)


FEMALE = (_expand(_FEMALE_OLD), _expand(_FEMALE_MID), _expand(_FEMALE_YOUNG))
MALE = (_expand(_MALE_OLD), _expand(_MALE_MID), _expand(_MALE_YOUNG))
SURNAMES = _expand(_SURNAMES)


def generation(birth_year: int) -> int:
    """Index into FEMALE / MALE: 0 born before 1965, 1 before 1995, 2 after."""
    if birth_year < 1965:
        return 0
    if birth_year < 1995:
        return 1
    return 2
