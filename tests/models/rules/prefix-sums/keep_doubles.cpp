#include <cstdio>

int main() {
    double a[4] = {0.1, 0.2, 0.3, 1e17};
    for (int i = 0; i < 4; i++) {
        double s = 0;
        for (int j = 0; j <= i; j++) s += a[j];
        printf("%.3f\n", s);
    }
}
