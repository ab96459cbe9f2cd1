#include <iostream>

int a[10];

int best(int i) {
    if (i >= 10) return 0;
    return a[i] + (best(i + 1) > best(i + 2) ? best(i + 1) : best(i + 2));
}

int main() {
    int *p = a + 2;
    for (int i = 0; i < 10; i++) a[i] = i;
    std::cout << best(0) << "\n";
    *p = 100;
    std::cout << best(0) << "\n";
}
