"""Built-in word lists and event templates for the procedural generator.

Every list is a tuple so a seeded ``random.Random`` always picks the same item for the same
seed; reordering or editing a list changes the output, so bump ``PROCEDURAL_VERSION`` then.
"""

from __future__ import annotations

from dataclasses import dataclass

FIRST_NAMES = (
    "Ava",
    "Ben",
    "Carla",
    "Dev",
    "Elena",
    "Felix",
    "Grace",
    "Hugo",
    "Iris",
    "Jonah",
    "Kira",
    "Leo",
    "Maya",
    "Nikhil",
    "Olivia",
    "Pablo",
    "Quinn",
    "Rosa",
    "Sam",
    "Tara",
    "Umar",
    "Vera",
    "Wes",
    "Ximena",
    "Yusuf",
    "Zoe",
    "Amara",
    "Bruno",
    "Chloe",
    "Dario",
    "Esme",
    "Farah",
    "Gideon",
    "Hana",
    "Ivan",
    "Jade",
    "Kofi",
    "Lena",
    "Marco",
    "Nora",
)
FRIEND_NAMES = (
    "Alex",
    "Bella",
    "Chris",
    "Dana",
    "Eli",
    "Fiona",
    "Gabe",
    "Holly",
    "Isaac",
    "Julia",
    "Kevin",
    "Lucy",
    "Miles",
    "Nina",
    "Owen",
    "Priya",
    "Ruby",
    "Simon",
    "Tessa",
    "Victor",
)
JOBS = (
    "nurse",
    "software developer",
    "high school teacher",
    "chef",
    "graphic designer",
    "electrician",
    "accountant",
    "veterinarian",
    "firefighter",
    "librarian",
    "architect",
    "pharmacist",
    "journalist",
    "mechanic",
    "physical therapist",
    "bakery owner",
    "marine biologist",
    "social worker",
    "carpenter",
    "dental hygienist",
)
CITIES = (
    "Portland",
    "Austin",
    "Denver",
    "Chicago",
    "Boston",
    "Seattle",
    "Atlanta",
    "Phoenix",
    "Nashville",
    "Pittsburgh",
    "San Diego",
    "Minneapolis",
    "Tampa",
    "Sacramento",
    "Detroit",
)
TRIP_CITIES = (
    "Lisbon",
    "Kyoto",
    "Mexico City",
    "Reykjavik",
    "Vancouver",
    "Barcelona",
    "Prague",
    "Marrakesh",
    "Dublin",
    "Seoul",
    "Buenos Aires",
    "Cape Town",
    "Vienna",
    "Hanoi",
    "Oslo",
)
RELATIONS = ("partner", "cousin", "roommate", "neighbor", "coworker", "sibling", "godparent")
SPECIES = ("dog", "cat", "rabbit", "parrot", "hamster", "turtle")
PET_NAMES = (
    "Max",
    "Luna",
    "Biscuit",
    "Pepper",
    "Mochi",
    "Rocky",
    "Olive",
    "Ziggy",
    "Nala",
    "Toby",
    "Clover",
    "Pickles",
    "Juniper",
    "Waffles",
    "Scout",
    "Maple",
)
COLORS = ("red", "blue", "green", "yellow", "black", "white", "teal", "orange", "purple")
ITEMS = ("bike", "sofa", "guitar", "camera", "kayak", "desk", "tent", "armchair", "bookshelf")
HOBBIES = (
    "pottery",
    "salsa dancing",
    "watercolor painting",
    "rock climbing",
    "photography",
    "woodworking",
    "improv comedy",
    "swimming",
    "calligraphy",
    "yoga",
)
VENUES = (
    "community center",
    "art studio downtown",
    "YMCA",
    "public library",
    "rec center",
    "old mill studio",
    "university gym",
)
DISHES = (
    "lasagna",
    "chicken curry",
    "paella",
    "banana bread",
    "ramen",
    "tacos",
    "a lemon tart",
    "dumplings",
    "mushroom risotto",
    "a chocolate cake",
)
TITLES_ADJ = ("Silent", "Golden", "Hidden", "Last", "Broken", "Midnight", "Wild", "Paper")
TITLES_NOUN = ("Harbor", "Orchard", "Compass", "Lantern", "River", "Garden", "Kingdom", "Letters")
GENRES = ("jazz", "indie rock", "classical", "country", "hip hop", "folk", "blues")
CONCERT_VENUES = ("riverside amphitheater", "Blue Note club", "city arena", "park bandshell")
DISTANCES = ("5K", "10K", "half marathon", "marathon")
PLANTS = ("tomatoes", "sunflowers", "basil", "strawberries", "peppers", "lavender", "zucchini")
AILMENTS = ("sore paw", "upset stomach", "ear infection", "skin rash", "bad cough")
TRICKS = ("roll over", "high-five", "fetch the newspaper", "ring a bell", "spin in a circle")
CRAFTS = ("photo album", "scrapbook", "collage", "short travel video")
LANGUAGES = {
    "Lisbon": "Portuguese",
    "Kyoto": "Japanese",
    "Mexico City": "Spanish",
    "Reykjavik": "Icelandic",
    "Vancouver": "French",
    "Barcelona": "Catalan",
    "Prague": "Czech",
    "Marrakesh": "Arabic",
    "Dublin": "Irish",
    "Seoul": "Korean",
    "Buenos Aires": "Spanish",
    "Cape Town": "Afrikaans",
    "Vienna": "German",
    "Hanoi": "Vietnamese",
    "Oslo": "Norwegian",
}
PLACES = ("first", "second", "third")
BODY_PARTS = ("a knee", "an ankle", "the lower back", "a hamstring", "a shoulder")
INSTRUMENTS = ("ukulele", "keyboard", "saxophone", "violin", "drum pad", "harmonica")
ROOMS = ("living room", "bedroom", "home office", "guest room", "garage")

#: (like, a commonsense consequence phrased as "Would <X> likely enjoy ...?").
LIKES = (
    ("hiking", "a weekend trip to a national park"),
    ("baking bread", "a sourdough workshop"),
    ("board games", "a game night with friends"),
    ("jazz music", "an evening at a jazz club"),
    ("gardening", "a visit to a botanical garden"),
    ("sci-fi novels", "a science fiction book convention"),
    ("cycling", "a long bike ride along the coast"),
    ("cooking Thai food", "a Thai cooking class"),
    ("stargazing", "a night at an observatory"),
    ("fishing", "a quiet morning at the lake"),
    ("horror movies", "a haunted house tour"),
    ("camping", "sleeping in a tent under the stars"),
    ("karaoke", "singing at a karaoke bar"),
    ("museums", "a day at the history museum"),
)

#: Fact-free small talk: it must never introduce something a question could be about.
SMALL_TALK = (
    ("How has your week been going so far?", "Pretty busy, but honestly I can't complain."),
    ("Do you have any plans for the weekend?", "Nothing big yet, I might just take it easy."),
    ("It's so good to catch up with you again.", "Same here, I always look forward to our chats."),
    (
        "How are you holding up these days?",
        "I'm doing alright, just trying to keep a good balance.",
    ),
    (
        "Has the weather been nice where you are?",
        "It's been a mix, some sunny days and some gray ones.",
    ),
    ("I feel like time is flying lately.", "Right? The weeks just seem to disappear."),
    ("Have you been sleeping better recently?", "A little, I've been trying to go to bed earlier."),
    ("What's been on your mind lately?", "Mostly just the usual everyday stuff, nothing dramatic."),
)
OPENERS = ("Hey {other}!", "Hi {other}!", "Hey there {other}!", "Good to see you, {other}!")
OPENER_REPLIES = (
    "Hey {other}! Great to hear from you. What's new?",
    "Hi {other}! I was hoping we'd talk soon. How are things?",
    "Hey {other}! Nice to catch up. Anything exciting going on?",
)
REACTIONS = (
    "Wow, that's amazing!",
    "Oh no, really?",
    "That sounds like a big deal!",
    "No way, that's so cool!",
    "Oh, I didn't see that coming!",
    "That's wonderful news!",
)
FOLLOW_UPS = (
    "How did it make you feel?",
    "What was the best part?",
    "Was it what you expected?",
    "How are you feeling about it now?",
    "Did anyone go with you?",
)
FEELINGS = (
    "I'm still buzzing about it.",
    "It was a lot to take in.",
    "Honestly it made my week.",
    "I learned a lot from it.",
    "It was a bit stressful but worth it.",
)
CLOSERS = (
    "I have to run now, talk soon!",
    "Let's catch up again soon. Take care!",
    "Gotta go, but this was lovely. Bye!",
)
CLOSER_REPLIES = ("Bye! Talk to you soon.", "Take care, talk later!", "See you, bye!")
PHOTO_LINES = (
    "Here's a photo I took that day.",
    "I snapped a picture, look!",
    "Check out this photo from it.",
)
INTERJECTIONS = ("Oh, go on!", "Tell me more!", "I'm all ears.", "Really? Keep going.")
NOTED = ("Good to know.", "Fair enough!", "Noted, I'll remember that.", "Ha, I hear you.")
ACKS = (
    "That sounds fun!",
    "Oh nice, I can see why.",
    "Ha, that fits you perfectly.",
    "I totally get that.",
    "Fair enough!",
)
NUMBER_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")


@dataclass(frozen=True)
class EventKind:
    """A template family for events: how to write it and how to ask about it."""

    name: str
    """Kind id."""
    template: str
    """Event text with ``{slot}`` fields (no subject: ``adopted a {species} named {petname}``)."""
    slots: tuple[tuple[str, tuple[str, ...]], ...]
    """Own slots and the list each value is drawn from."""
    question: str
    """Single-hop question; ``{X}`` is the speaker."""
    answer: str
    """Answer template over the slots (appears verbatim in the event text)."""
    caption: str
    """Photo caption after "a photo of"."""
    parent: str | None = None
    """Kind of the cause this effect needs; None for a root event. Parent slots are inherited."""


def _s(name: str, values: tuple[str, ...]) -> tuple[str, tuple[str, ...]]:
    return (name, values)


_TITLES = tuple(f"The {a} {n}" for a in TITLES_ADJ for n in TITLES_NOUN)

EVENT_KINDS: tuple[EventKind, ...] = (
    EventKind(
        "pet",
        "adopted a {species} named {petname}",
        (_s("species", SPECIES), _s("petname", PET_NAMES)),
        "What is the name of the {species} {X} adopted?",
        "{petname}",
        "a {species} curled up on a couch",
    ),
    EventKind(
        "trip",
        "took a trip to {city} with {companion}",
        (_s("city", TRIP_CITIES), _s("companion", ())),
        "Who did {X} travel to {city} with?",
        "{companion}",
        "a street in {city} at sunset",
    ),
    EventKind(
        "buy",
        "bought a {color} {item}",
        (_s("color", COLORS), _s("item", ITEMS)),
        "What color is the {item} {X} bought?",
        "{color}",
        "a {color} {item} in a room",
    ),
    EventKind(
        "class",
        "signed up for a {hobby} class at the {venue}",
        (_s("hobby", HOBBIES), _s("venue", VENUES)),
        "Where did {X} sign up for a {hobby} class?",
        "the {venue}",
        "people at a {hobby} class",
    ),
    EventKind(
        "cook",
        "cooked {dish} for {companion}'s birthday",
        (_s("dish", DISHES), _s("companion", ())),
        "What did {X} cook for {companion}'s birthday?",
        "{dish}",
        "{dish} on a dinner table",
    ),
    EventKind(
        "read",
        "finished reading a novel called {title}",
        (_s("title", _TITLES),),
        "Which novel did {X} finish reading?",
        "{title}",
        "a novel on a wooden table",
    ),
    EventKind(
        "concert",
        "went to a {genre} concert at the {cvenue}",
        (_s("genre", GENRES), _s("cvenue", CONCERT_VENUES)),
        "What kind of concert did {X} attend at the {cvenue}?",
        "{genre}",
        "a stage with colorful lights at a concert",
    ),
    EventKind(
        "race",
        "ran a {distance} in {hometown}",
        (_s("distance", DISTANCES),),
        "What race did {X} run in {hometown}?",
        "{distance}",
        "runners crossing a finish line",
    ),
    EventKind(
        "garden",
        "planted {plant} in the backyard",
        (_s("plant", PLANTS),),
        "What did {X} plant in the backyard?",
        "{plant}",
        "{plant} growing in a garden",
    ),
    # Effects: each needs an earlier event of kind ``parent`` by the same speaker.
    EventKind(
        "vet",
        "took {petname} to the vet because of a {ailment}",
        (_s("ailment", AILMENTS),),
        "Why did {X} take {petname} to the vet?",
        "{ailment}",
        "a {species} at a veterinary clinic",
        parent="pet",
    ),
    EventKind(
        "trick",
        "taught {petname} to {trick}",
        (_s("trick", TRICKS),),
        "What trick did {X} teach {petname}?",
        "{trick}",
        "a {species} doing a trick",
        parent="pet",
    ),
    EventKind(
        "craft",
        "made a {craft} from the {city} trip",
        (_s("craft", CRAFTS),),
        "What did {X} make from the {city} trip?",
        "{craft}",
        "a {craft} with pictures of {city}",
        parent="trip",
    ),
    EventKind(
        "language",
        "started learning {language} after visiting {city}",
        (),
        "What language did {X} start learning after visiting {city}?",
        "{language}",
        "a {language} textbook and a notebook",
        parent="trip",
    ),
    EventKind(
        "contest",
        "won {place} place in a {hobby} contest",
        (_s("place", PLACES),),
        "What place did {X} win in the {hobby} contest?",
        "{place}",
        "a ribbon from a {hobby} contest",
        parent="class",
    ),
    EventKind(
        "recipe",
        "shared the {dish} recipe with {friend}",
        (_s("friend", ()),),
        "Who did {X} share the {dish} recipe with?",
        "{friend}",
        "a handwritten recipe card",
        parent="cook",
    ),
    EventKind(
        "bookclub",
        "started a book club to discuss {title}",
        (),
        "Which novel did {X}'s new book club discuss?",
        "{title}",
        "friends sitting in a circle with books",
        parent="read",
    ),
    EventKind(
        "instrument",
        "bought a {instrument} after the {genre} concert",
        (_s("instrument", INSTRUMENTS),),
        "What instrument did {X} buy after the {genre} concert?",
        "{instrument}",
        "a {instrument} on a stand",
        parent="concert",
    ),
    EventKind(
        "injury",
        "hurt {bodypart} while training after the {distance}",
        (_s("bodypart", BODY_PARTS),),
        "What did {X} hurt while training?",
        "{bodypart}",
        "a running shoe and an ice pack",
        parent="race",
    ),
    EventKind(
        "harvest",
        "harvested the first {plant} from the garden",
        (),
        "What did {X} harvest from the garden?",
        "{plant}",
        "a basket of freshly picked {plant}",
        parent="garden",
    ),
    EventKind(
        "decorate",
        "redecorated the {room} around the new {item}",
        (_s("room", ROOMS),),
        "Which room did {X} redecorate around the new {item}?",
        "the {room}",
        "a cozy {room} with a {color} {item}",
        parent="buy",
    ),
)
ROOT_KINDS = tuple(k for k in EVENT_KINDS if k.parent is None)
EFFECTS_OF: dict[str, tuple[EventKind, ...]] = {
    root.name: tuple(k for k in EVENT_KINDS if k.parent == root.name) for root in ROOT_KINDS
}

#: Past tense → base form of every verb that starts an event template ("When did X adopt ...").
BASE_VERBS = {
    "adopted": "adopt",
    "took": "take",
    "bought": "buy",
    "signed": "sign",
    "cooked": "cook",
    "finished": "finish",
    "went": "go",
    "ran": "run",
    "planted": "plant",
    "taught": "teach",
    "made": "make",
    "started": "start",
    "won": "win",
    "shared": "share",
    "hurt": "hurt",
    "harvested": "harvest",
    "redecorated": "redecorate",
}


def base_form(past: str) -> str:
    """``adopted a dog`` → ``adopt a dog`` (only for the verbs of ``EVENT_KINDS``)."""
    verb, _, rest = past.partition(" ")
    return f"{BASE_VERBS[verb]} {rest}"
