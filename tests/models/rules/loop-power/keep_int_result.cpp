#include <iostream>

int main() {
    int a, e, r = 1;
    std::cin >> a >> e;
    for (int i = 0; i < e; i++) r = r * a % 1000;
    std::cout << r << "\n";
}
