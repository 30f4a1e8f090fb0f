/** Vocabularies of the demo catalog (embedded so the generator has no data files). */

const w = (s: string): readonly string[] => s.trim().split(/\s+/);
const l = (s: string): readonly string[] => s.split('|').map((x) => x.trim());

export type Topic = 'nature' | 'animals' | 'city' | 'art' | 'music';

export const TOPIC_NOUNS: Record<Topic, readonly string[]> = {
  nature: w(`forest river mountain lake ocean beach sunset sunrise meadow valley canyon desert
    glacier waterfall island coast cliff cave volcano prairie marsh swamp jungle rainforest
    tundra reef lagoon bay dune hill field garden park trail snow rain fog storm cloud sky
    rainbow moon star aurora tree oak pine maple willow birch cedar palm fern moss flower rose
    tulip daisy sunflower lily orchid lavender poppy blossom leaf grass wheat stone rock pebble
    sand ice frost dew mist horizon shore wave`),
  animals: w(`cat dog horse cow sheep goat pig rabbit fox wolf bear deer moose elk bison lion
    tiger leopard cheetah elephant giraffe zebra rhino hippo monkey gorilla panda koala
    kangaroo squirrel owl eagle hawk falcon heron swan duck goose parrot penguin flamingo robin
    sparrow hummingbird butterfly bee dragonfly ladybug spider frog turtle lizard snake
    crocodile dolphin whale shark octopus jellyfish seal otter salmon kitten puppy pony`),
  city: w(`street bridge tower cathedral church temple mosque castle palace museum market
    station skyline building skyscraper alley square fountain statue monument harbor
    lighthouse train tram bus bicycle car taxi subway graffiti mural window door roof balcony
    staircase cafe restaurant library rooftop avenue boulevard pier canal neon crowd`),
  art: w(`painting portrait landscape sketch drawing engraving etching lithograph sculpture
    ceramic vase textile tapestry mosaic fresco manuscript map poster print photograph
    watercolor canvas illustration pattern ornament jewelry coin mask costume bowl teapot
    figurine relief icon scroll woodcut bust altarpiece still-life`),
  music: w(`guitar piano violin cello drum trumpet saxophone flute clarinet harp bass synth
    organ choir orchestra band concert stage festival singer drummer guitarist microphone
    vinyl record turntable speaker amplifier accordion banjo ukulele harmonica`),
};

export const ADJECTIVES = w(`golden silver red blue green yellow purple orange black white grey dark
  bright quiet calm wild ancient old new little big tall tiny misty foggy sunny rainy snowy
  frozen hidden lonely distant peaceful vibrant colorful abstract vintage rustic urban rural
  coastal northern southern eastern western early late morning evening midnight hazy gentle
  silent broken shining faded crimson emerald amber velvet electric lost secret`);

export const CITIES = l(`Paris|London|Tokyo|Berlin|Rome|Madrid|Lisbon|Amsterdam|Prague|Vienna|Istanbul|
  Cairo|Nairobi|Lagos|Mumbai|Delhi|Bangkok|Singapore|Sydney|Melbourne|Auckland|Toronto|
  Montreal|Vancouver|Chicago|Boston|Seattle|New York|San Francisco|Mexico City|Buenos Aires|
  Rio de Janeiro|Lima|Bogota|Havana|Dublin|Edinburgh|Oslo|Stockholm|Helsinki|Copenhagen|
  Reykjavik|Athens|Budapest|Warsaw|Krakow|Kyoto|Seoul|Shanghai|Hong Kong|Hanoi|Marrakech|
  Cape Town|Dubai|Porto|Seville|Florence|Venice|Munich|Zurich`);

export const SEASONS = w('spring summer autumn winter');
export const TIMES = w('morning afternoon evening night dawn dusk');

export const FIRST_NAMES = w(`James Mary John Patricia Robert Jennifer Michael Linda William Elizabeth
  David Barbara Richard Susan Joseph Jessica Thomas Sarah Charles Karen Daniel Nancy Matthew
  Lisa Anthony Sandra Mark Ashley Paul Emily Steven Donna Andrew Michelle Kenji Yuki Aiko Hiro
  Wei Mei Li Chen Arjun Priya Ravi Ananya Olu Amara Kwame Zainab Mateo Sofia Lucas Valentina
  Lars Ingrid Sven Astrid Pierre Camille Hans Greta Marco Giulia Ivan Olga Fatima Omar Leila`);

export const LAST_NAMES = w(`Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez
  Hernandez Lopez Gonzalez Wilson Anderson Thomas Taylor Moore Jackson Martin Lee Perez
  Thompson White Harris Sanchez Clark Ramirez Lewis Robinson Walker Young Allen King Wright
  Scott Torres Nguyen Hill Flores Green Adams Nelson Baker Hall Rivera Campbell Mitchell
  Carter Roberts Tanaka Suzuki Sato Wang Zhang Kumar Singh Okafor Mensah Silva Santos Rossi
  Bianchi Muller Schmidt Dubois Laurent Johansson Nilsson Kowalski Novak Ivanova Haddad`);

export const LATIN_GENERA = w(`Quercus Pinus Rosa Felis Canis Ursus Aquila Papilio Salix Acer Betula
  Lilium Orchis Falco Corvus Rana Bufo Helix Conus Mytilus Eriogonum Carex Viola Salvia Erica`);
export const LATIN_SPECIES = w(`alba rubra nigra major minor vulgaris officinalis americana europaea
  orientalis sylvestris montana maritima gracilis latifolium pratensis arvensis canadensis`);

export const MACHINE_TAGS = w(`outdoors nature no-person people travel architecture animal art
  landscape sky water tree city building portrait daylight color summer winter vintage`);

export const SOUND_WORDS = w(`door creak footsteps rain thunder wind birdsong traffic crowd applause
  knock click beep whoosh explosion engine bell chime splash water drip bubble glass break
  metal hit impact swoosh alarm siren typing keyboard phone ring laugh breath heartbeat clock
  tick waves fire crackle forest ambience city night insects train horn`);

export const GENRES = w(`rock pop electronic jazz classical hiphop ambient folk metal world soundtrack
  lounge reggae blues funk punk latin chillout techno house indie experimental`);

export const JAMENDO_VARTAGS = w(`speed_low speed_medium speed_high vocal instrumental male female
  acoustic electric energetic relaxing happy sad dark`);

export const CAMERAS = l(`Canon EOS 5D Mark III|Nikon D750|Sony A7 III|Fujifilm X-T3|iPhone 12|
  Olympus OM-D E-M10|Pentax K-1|Leica M6|Canon PowerShot G7 X|Google Pixel 6`);

export const MUSICAL_KEYS = l('C major|G major|D minor|A minor|E flat major|F sharp minor|B flat major');
export const MUSICAL_FORMS = w('Sonata Prelude Nocturne Etude Waltz Fugue Suite Rhapsody Minuet Serenade');
export const COMPOSERS = l('Bach|Mozart|Beethoven|Chopin|Schubert|Debussy|Satie|Vivaldi|Handel|Brahms');
