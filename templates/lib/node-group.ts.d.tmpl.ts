/** The template, imported as its text. */
declare const text: string;
export default text;
