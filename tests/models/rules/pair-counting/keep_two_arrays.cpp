#include <iostream>

int main() {
    int a[5] = {1, 2, 3, 4, 5}, b[5] = {5, 4, 3, 2, 1};
    int c = 0;
    for (int i = 0; i < 5; i++)
        for (int j = i + 1; j < 5; j++)
            if (a[i] < b[j]) c++;
    std::cout << c << "\n";
}
