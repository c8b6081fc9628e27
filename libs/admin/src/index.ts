export { AdminModule } from './admin.module.js';
export { ADMIN_VIEW, type AdminView, type ReportFilter } from './admin-view.js';
export { setupApiDocs } from './swagger.js';
