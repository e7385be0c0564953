import { Comlink } from './contracts/wire';
import { GeneratorService } from './services/generator-service';

Comlink.expose(new GeneratorService());
