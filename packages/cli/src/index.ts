export { createSubnetkitMain } from './create.js';
export { main } from './main.js';
