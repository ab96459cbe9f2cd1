#include <cmath>
#include <cstdio>

int main() {
    int i = 3;
    double s = pow(i++, 2);
    printf("%.1f %d\n", s, i);
}
