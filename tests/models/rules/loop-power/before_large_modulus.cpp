#include <iostream>

int main() {
    long long a, e, r = 1;
    std::cin >> a >> e;
    for (int i = 0; i < e; i++) r = r * a % 100000000000LL;
    std::cout << r << "\n";
}
