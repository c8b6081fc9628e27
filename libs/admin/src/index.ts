export { AdminModule } from './admin.module.js';
export { ADMIN_VIEW, type AdminView } from './admin-view.js';
