#include <iostream>

bool odd(int n) {
    if (n < 2) return false;
    for (int i = 2; i * i <= n; i++)
        if (n % i == 1) return false;
    return true;
}

int main() {
    int c = 0;
    for (int x = 0; x < 100; x++) c += odd(x);
    std::cout << c << "\n";
}
